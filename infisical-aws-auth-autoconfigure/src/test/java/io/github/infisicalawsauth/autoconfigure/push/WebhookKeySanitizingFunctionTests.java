package io.github.infisicalawsauth.autoconfigure.push;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebhookKeySanitizingFunction}.
 *
 * @author Infisical AWS Auth contributors
 */
class WebhookKeySanitizingFunctionTests {

	private static final String KEY = "Webhook-Key-Never-Shown";

	private final WebhookKeySanitizingFunction function = new WebhookKeySanitizingFunction(KEY);

	@Test
	void masksThePropertyInEveryRelaxedForm() {
		assertThat(sanitized("infisical.secrets.webhook.secret-key", "${WEBHOOK_KEY}")).isTrue();
		assertThat(sanitized("INFISICAL_SECRETS_WEBHOOK_SECRET_KEY", "other")).isTrue();
		assertThat(sanitized("infisical.secrets.webhook.secretKey", "other")).isTrue();
	}

	@Test
	void masksValuesThatHoldTheKey() {
		assertThat(sanitized("WEBHOOK_KEY", KEY)).isTrue();
		assertThat(sanitized("app.header", "Bearer " + KEY)).isTrue();
	}

	@Test
	void leavesOtherPropertiesAndShortKeysInLongerValuesAlone() {
		assertThat(sanitized("infisical.secrets.webhook.path", "/infisical/webhook")).isFalse();
		assertThat(sanitized("app.name", "orders")).isFalse();
		WebhookKeySanitizingFunction shortKey = new WebhookKeySanitizingFunction("abc");
		assertThat(shortKey.apply(data("app.name", "abcdef")).getValue()).isEqualTo("abcdef");
		assertThat(shortKey.apply(data("app.name", "abc")).getValue()).isEqualTo(SanitizableData.SANITIZED_VALUE);
	}

	private boolean sanitized(String key, String value) {
		return SanitizableData.SANITIZED_VALUE.equals(this.function.apply(data(key, value)).getValue());
	}

	private static SanitizableData data(String key, String value) {
		return new SanitizableData(new MapPropertySource("test", Map.of(key, value)), key, value);
	}

}
