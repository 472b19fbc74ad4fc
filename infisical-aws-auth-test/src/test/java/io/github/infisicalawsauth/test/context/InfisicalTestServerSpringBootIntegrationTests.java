package io.github.infisicalawsauth.test.context;

import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for {@link InfisicalTestServerTest} on a {@code @SpringBootTest}: the
 * settings reach config data, win over application files, lose to the test's own
 * properties, and the demo credentials become a fallback bean.
 *
 * @author Infisical AWS Auth contributors
 */
@InfisicalTestServerTest(generation = Generation.V2024, projectId = "shop", environment = "staging",
		identityId = "shop-identity")
@SpringBootTest(classes = InfisicalTestServerSpringBootIntegrationTests.TestApplication.class,
		properties = { "spring.config.name=infisical-test-application",
				"spring.config.import=classpath:/infisical-test-${infisical.secrets.environment}.properties",
				"infisical.aws-auth.region=eu-west-1" })
class InfisicalTestServerSpringBootIntegrationTests {

	private static InfisicalTestServer seededServer;

	@Autowired
	private Environment environment;

	@BeforeAll
	static void seed(InfisicalTestServer server) {
		seededServer = server;
	}

	@Test
	void configDataSeesTheSettings() {
		// the import's placeholder is resolved while config data is processed
		assertThat(this.environment.getProperty("config-data.saw-environment")).isEqualTo("staging");
	}

	@Test
	void settingsWinOverApplicationFiles(InfisicalTestServerSettings settings) {
		assertThat(settings.server()).isSameAs(seededServer);
		assertThat(settings.server().generation()).isEqualTo(Generation.V2024);
		assertThat(this.environment.getProperty("infisical.site-url")).isEqualTo(seededServer.url());
		assertThat(this.environment.getProperty("infisical.aws-auth.identity-id")).isEqualTo("shop-identity");
		assertThat(this.environment.getProperty("infisical.secrets.project-id")).isEqualTo("shop");
		assertThat(this.environment.getProperty("infisical.secrets.environment")).isEqualTo("staging");
		assertThat(this.environment.getProperty("infisical.aws-auth.verify-with-sts")).isEqualTo("false");
	}

	@Test
	void propertiesOfTheTestWinOverTheSettings() {
		assertThat(this.environment.getProperty("infisical.aws-auth.region")).isEqualTo("eu-west-1");
	}

	@Test
	void demoCredentialsAreAFallbackBean(@Autowired ConfigurableApplicationContext context,
			InfisicalTestServerSettings settings) {
		AwsSessionCredentials credentials = (AwsSessionCredentials) context.getBean(AwsCredentialsProvider.class)
			.resolveCredentials();
		assertThat(credentials.accessKeyId()).isEqualTo(settings.accessKeyId());
		assertThat(credentials.secretAccessKey()).isEqualTo(settings.secretAccessKey());
		assertThat(credentials.sessionToken()).isEqualTo(settings.sessionToken());
		assertThat(context.getBeanFactory().getBeanDefinition(TestServerCredentials.BEAN_NAME).isFallback()).isTrue();
	}

	@Nested
	class NestedTests {

		@Test
		void sharesTheEnclosingServerAndContext(InfisicalTestServer server, @Autowired Environment nestedEnvironment) {
			assertThat(server).isSameAs(seededServer);
			assertThat(nestedEnvironment.getProperty("infisical.site-url")).isEqualTo(seededServer.url());
		}

	}

	@SpringBootConfiguration
	static class TestApplication {

	}

}
