package io.github.infisicalawsauth.authentication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link DefaultChainCredentialsProvider}: the same credentials as the SDK's
 * default chain, without building it when the system properties or the environment hold
 * them.
 *
 * @author Infisical AWS Auth contributors
 */
class DefaultChainCredentialsProviderTests {

	private static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.secretKey",
			"aws.sessionToken", "aws.sharedCredentialsFile", "aws.configFile", "aws.profile");

	private final Map<String, String> saved = new HashMap<>();

	@BeforeEach
	void clearProperties() {
		for (String name : PROPERTIES) {
			String value = System.getProperty(name);
			if (value != null) {
				this.saved.put(name, value);
				System.clearProperty(name);
			}
		}
	}

	@AfterEach
	void restoreProperties() {
		PROPERTIES.forEach(System::clearProperty);
		this.saved.forEach(System::setProperty);
	}

	@Test
	void takesCredentialsFromSystemPropertiesWithoutBuildingTheWholeChain() {
		System.setProperty("aws.accessKeyId", InfisicalTestFixtures.ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", InfisicalTestFixtures.SECRET_ACCESS_KEY);
		System.setProperty("aws.sessionToken", InfisicalTestFixtures.SESSION_TOKEN);
		try (DefaultChainCredentialsProvider provider = new DefaultChainCredentialsProvider()) {
			AwsCredentials credentials = provider.resolveCredentials();
			assertThat(credentials.accessKeyId()).isEqualTo(InfisicalTestFixtures.ACCESS_KEY_ID);
			assertThat(credentials).isInstanceOfSatisfying(AwsSessionCredentials.class,
					(session) -> assertThat(session.sessionToken()).isEqualTo(InfisicalTestFixtures.SESSION_TOKEN));
			assertThat(provider.isWholeChainBuilt()).isFalse();
		}
	}

	@Test
	void logsInWithTheDefaultOptionsAndCredentialsFromSystemProperties() {
		System.setProperty("aws.accessKeyId", InfisicalTestFixtures.ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", InfisicalTestFixtures.SECRET_ACCESS_KEY);
		System.setProperty("aws.sessionToken", InfisicalTestFixtures.SESSION_TOKEN);
		try (InfisicalTestServer server = InfisicalTestServer.start()) {
			InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
			AwsIamAuthenticationOptions options = AwsIamAuthenticationOptions.builder()
				.identityId(InfisicalTestFixtures.IDENTITY_ID)
				.regionProvider(() -> Region.US_EAST_1)
				.build();
			assertThat(options.getCredentialsProvider()).isInstanceOf(DefaultChainCredentialsProvider.class);
			try (InfisicalHttpClient client = InfisicalTestFixtures.client(server);
					AwsIamAuthentication authentication = new AwsIamAuthentication(options, client)) {
				assertThat(authentication.login().accessToken()).isNotBlank();
			}
		}
	}

	@Test
	void fallsBackToTheSdkChainWhenNeitherHoldsCredentials(@TempDir Path home) throws IOException {
		assumeNoCredentialsInTheEnvironment();
		Path credentialsFile = Files.writeString(home.resolve("credentials"),
				"[default]\naws_access_key_id = AKIAFROMPROFILEFILE1\naws_secret_access_key = from-the-profile\n");
		System.setProperty("aws.sharedCredentialsFile", credentialsFile.toString());
		System.setProperty("aws.configFile", Files.writeString(home.resolve("config"), "").toString());
		try (DefaultChainCredentialsProvider provider = new DefaultChainCredentialsProvider()) {
			assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIAFROMPROFILEFILE1");
			assertThat(provider.isWholeChainBuilt()).isTrue();
		}
	}

	@Test
	void closedProviderDoesNotBuildTheWholeChain() {
		assumeNoCredentialsInTheEnvironment();
		DefaultChainCredentialsProvider provider = new DefaultChainCredentialsProvider();
		provider.close();
		assertThatIllegalStateException().isThrownBy(provider::resolveCredentials).withMessageContaining("closed");
		assertThat(provider.isWholeChainBuilt()).isFalse();
	}

	private static void assumeNoCredentialsInTheEnvironment() {
		assumeThat(System.getenv("AWS_ACCESS_KEY_ID")).as("AWS_ACCESS_KEY_ID").isNull();
		assumeThat(System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")).as("AWS_WEB_IDENTITY_TOKEN_FILE").isNull();
		assumeThat(System.getenv("AWS_PROFILE")).as("AWS_PROFILE").isNull();
	}

}
