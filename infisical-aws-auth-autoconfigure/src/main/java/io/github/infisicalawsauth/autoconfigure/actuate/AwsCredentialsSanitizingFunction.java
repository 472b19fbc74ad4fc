package io.github.infisicalawsauth.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.PropertySource;

/**
 * Masks, in the {@code env} and {@code configprops} endpoints and whatever
 * {@code show-values} says, the AWS credentials the starter signs its login with when
 * they come from the JVM's system properties or the environment variables (the first
 * links of the AWS SDK's default chain, as on ECS, Lambda or in CI): the
 * {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} environment variables and
 * the {@code aws.secretAccessKey} and {@code aws.sessionToken} system properties, under
 * any relaxed spelling of those names ({@code aws.secret-access-key}); properties whose
 * value refers to one ({@code my.key: ${AWS_SECRET_ACCESS_KEY}}); and values, resolved or
 * bound, that hold the current secret key or session token. The endpoints resolve
 * placeholders and {@code configprops} shows bound values, so looking at the keys alone
 * would not be enough. The access key id is not a secret and still shows, which helps
 * tell which identity an application runs as.
 * <p>
 * Apart from {@link InfisicalSanitizingFunction} because these credentials are there
 * without any {@code infisical:} import.
 *
 * @author Infisical AWS Auth contributors
 */
class AwsCredentialsSanitizingFunction implements SanitizingFunction {

	// the names lower-cased without separators, so that every relaxed form matches
	private static final Set<String> CREDENTIAL_KEYS = Set.of("awssecretaccesskey", "awssessiontoken");

	private static final List<String> SYSTEM_PROPERTIES = List.of("aws.secretAccessKey", "aws.sessionToken");

	private static final List<String> ENVIRONMENT_VARIABLES = List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

	// shorter values are masked when equal only: a short one would match common text
	private static final int MIN_EMBEDDED_LENGTH = 8;

	private final Function<String, @Nullable String> systemProperties;

	private final Function<String, @Nullable String> environmentVariables;

	AwsCredentialsSanitizingFunction() {
		this(System::getProperty, System::getenv);
	}

	/**
	 * Create an instance that reads the credentials with the given functions.
	 * @param systemProperties the value of a system property, or {@code null}
	 * @param environmentVariables the value of an environment variable, or {@code null}
	 */
	AwsCredentialsSanitizingFunction(Function<String, @Nullable String> systemProperties,
			Function<String, @Nullable String> environmentVariables) {
		this.systemProperties = systemProperties;
		this.environmentVariables = environmentVariables;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		Object value = data.getValue();
		if (value == null) {
			return data;
		}
		if (isCredentialKey(data.getKey())) {
			return data.withSanitizedValue();
		}
		PropertySource<?> source = data.getPropertySource();
		Object raw = (source != null) ? source.getProperty(data.getKey()) : null;
		String text = value.toString();
		if ((raw instanceof String written && refersToACredential(written)) || refersToACredential(text)
				|| holdsACredential(text)) {
			return data.withSanitizedValue();
		}
		return data;
	}

	private static boolean isCredentialKey(String key) {
		StringBuilder name = new StringBuilder(key.length());
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (Character.isLetterOrDigit(c)) {
				name.append(c);
			}
		}
		return CREDENTIAL_KEYS.contains(name.toString().toLowerCase(Locale.ROOT));
	}

	private static boolean refersToACredential(String text) {
		if (!text.contains("${")) {
			return false;
		}
		Matcher matcher = PLACEHOLDER.matcher(text);
		while (matcher.find()) {
			if (isCredentialKey(matcher.group(1))) {
				return true;
			}
		}
		return false;
	}

	// read each time: cheap, and a system property can change at run time
	private boolean holdsACredential(String text) {
		for (String credential : currentCredentials()) {
			if (text.equals(credential) || (credential.length() >= MIN_EMBEDDED_LENGTH && text.contains(credential))) {
				return true;
			}
		}
		return false;
	}

	private List<String> currentCredentials() {
		List<String> credentials = new ArrayList<>(4);
		SYSTEM_PROPERTIES.forEach((name) -> addNonBlank(credentials, this.systemProperties.apply(name)));
		ENVIRONMENT_VARIABLES.forEach((name) -> addNonBlank(credentials, this.environmentVariables.apply(name)));
		return credentials;
	}

	private static void addNonBlank(List<String> target, @Nullable String value) {
		// the SDK trims what it reads
		if (value != null && !value.isBlank()) {
			target.add(value.trim());
		}
	}

}
