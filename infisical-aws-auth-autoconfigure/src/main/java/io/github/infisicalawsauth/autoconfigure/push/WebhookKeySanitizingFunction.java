package io.github.infisicalawsauth.autoconfigure.push;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the webhook's secret key in the {@code env} and {@code configprops} endpoints,
 * also with {@code show-values: always}: the property in any relaxed form, and every
 * value that holds the key (a property it was read from, {@code ${WEBHOOK_KEY}}).
 *
 * @author Infisical AWS Auth contributors
 */
final class WebhookKeySanitizingFunction implements SanitizingFunction {

	// the property name lower-cased without separators, so that every relaxed form
	// matches
	private static final String KEY_NAME = "infisicalsecretswebhooksecretkey";

	// shorter keys are masked when equal only: a short one would match common text
	private static final int MIN_EMBEDDED_LENGTH = 8;

	private final String secretKey;

	WebhookKeySanitizingFunction(String secretKey) {
		this.secretKey = secretKey;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		Object value = data.getValue();
		if (value == null) {
			return data;
		}
		String text = value.toString();
		if (isKeyName(data.getKey()) || text.equals(this.secretKey)
				|| (this.secretKey.length() >= MIN_EMBEDDED_LENGTH && text.contains(this.secretKey))) {
			return data.withSanitizedValue();
		}
		return data;
	}

	private static boolean isKeyName(String key) {
		StringBuilder name = new StringBuilder(key.length());
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (Character.isLetterOrDigit(c)) {
				name.append(c);
			}
		}
		return name.toString().toLowerCase(Locale.ROOT).equals(KEY_NAME);
	}

}
