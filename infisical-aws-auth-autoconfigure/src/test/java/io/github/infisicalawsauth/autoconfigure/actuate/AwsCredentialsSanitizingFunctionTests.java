package io.github.infisicalawsauth.autoconfigure.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AwsCredentialsSanitizingFunction}.
 *
 * @author Infisical AWS Auth contributors
 */
class AwsCredentialsSanitizingFunctionTests {

	private static final String SECRET_KEY = "Unit-Secret-Key/Not+Shown0123456789abcd";

	private static final String SESSION_TOKEN = "Unit-Session-Token-Not-Shown-FwoGZXIvYXdz";

	private static final String SYSTEM_SECRET_KEY = "Unit-System-Secret-Key-Not-Shown";

	private final AwsCredentialsSanitizingFunction function = new AwsCredentialsSanitizingFunction(
			Map.of("aws.secretAccessKey", SYSTEM_SECRET_KEY)::get,
			Map.of("AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_SESSION_TOKEN", " " + SESSION_TOKEN + " ")::get);

	@Test
	void masksTheCredentialNamesInAnyRelaxedForm() {
		AwsCredentialsSanitizingFunction withoutCredentials = new AwsCredentialsSanitizingFunction((name) -> null,
				(name) -> null);
		for (String key : new String[] { "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "aws.secretAccessKey",
				"aws.sessionToken", "aws.secret-access-key", "aws.session-token", "aws_secret_access_key",
				"AWS_SECRETACCESSKEY" }) {
			assertThat(isMasked(withoutCredentials, null, key, "anything")).as(key).isTrue();
		}
	}

	@Test
	void leavesTheAccessKeyIdAndOtherPropertiesAlone() {
		for (String key : new String[] { "AWS_ACCESS_KEY_ID", "aws.accessKeyId", "AWS_REGION", "app.session-token",
				"aws.secretAccessKeyFile" }) {
			assertThat(isMasked(this.function, null, key, "visible-value")).as(key).isFalse();
		}
	}

	@Test
	void masksValuesHoldingACurrentCredential() {
		assertThat(isMasked(this.function, null, "app.signing-key", SECRET_KEY)).isTrue();
		assertThat(isMasked(this.function, null, "app.token", SESSION_TOKEN)).isTrue();
		assertThat(isMasked(this.function, null, "app.header", "Bearer " + SESSION_TOKEN)).isTrue();
		assertThat(isMasked(this.function, null, "app.system", SYSTEM_SECRET_KEY)).isTrue();
		assertThat(isMasked(this.function, null, "app.plain", "visible-value")).isFalse();
	}

	@Test
	void shortCredentialsMaskEqualValuesOnly() {
		AwsCredentialsSanitizingFunction shortOne = new AwsCredentialsSanitizingFunction((name) -> null,
				Map.of("AWS_SECRET_ACCESS_KEY", "abc")::get);
		assertThat(isMasked(shortOne, null, "app.name", "abc")).isTrue();
		assertThat(isMasked(shortOne, null, "app.name", "abcdef")).isFalse();
	}

	@Test
	void masksPropertiesReferringToACredential() {
		PropertySource<?> source = new MapPropertySource("application.yml",
				Map.of("my.key", "${AWS_SECRET_ACCESS_KEY}", "my.token", "prefix-${aws.session-token:none}"));
		// resolved to something else than the current credentials: masked for what was
		// written
		assertThat(isMasked(this.function, source, "my.key", "resolved-elsewhere")).isTrue();
		assertThat(isMasked(this.function, source, "my.token", "prefix-none")).isTrue();
		assertThat(isMasked(this.function, null, "my.other", "${aws.secretAccessKey}")).isTrue();
	}

	@Test
	void leavesNullValues() {
		SanitizableData data = new SanitizableData(null, "AWS_SECRET_ACCESS_KEY", null);
		assertThat(this.function.apply(data)).isSameAs(data);
	}

	private static boolean isMasked(AwsCredentialsSanitizingFunction function, PropertySource<?> source, String key,
			String value) {
		return SanitizableData.SANITIZED_VALUE
			.equals(function.apply(new SanitizableData(source, key, value)).getValue());
	}

}
