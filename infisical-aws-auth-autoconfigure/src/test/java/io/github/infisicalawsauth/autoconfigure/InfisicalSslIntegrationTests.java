package io.github.infisicalawsauth.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalConfigDataAutoConfiguration;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.TestCertificates;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A self-hosted Infisical behind a private CA, trusted through a Spring Boot SSL bundle,
 * both by the auto-configuration and by config data loading.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalSslIntegrationTests {

	private InfisicalTestServer server;

	private String bundle;

	@BeforeEach
	void startServer(@TempDir Path directory) {
		TestCertificates certificates = TestCertificates.create(directory);
		this.server = InfisicalTestServer.builder().https(certificates.serverContext()).start();
		InfisicalTestFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
		this.bundle = "spring.ssl.bundle.pem.infisical-ca.truststore.certificate=file:" + certificates.certificate();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void autoConfigurationTrustsTheServerThroughTheSslBundle() {
		runner().withPropertyValues(this.bundle, "infisical.ssl.bundle=infisical-ca").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.server.url()).startsWith("https://");
			assertThat(this.server.isTokenActive(context.getBean(InfisicalTokenProvider.class).getToken().value()))
				.isTrue();
		});
	}

	@Test
	void withoutTheBundleTheServerIsNotTrusted() {
		runner().run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("cannot reach Infisical")
				.hasStackTraceContaining("SSL");
			assertThat(this.server.loginCount()).isZero();
		});
	}

	@Test
	void configDataTrustsTheServerThroughTheSslBundle() {
		this.server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject("project-1");
		this.server.project("project-1").environment("dev").secret("API_KEY", "value-over-tls");
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		try (ConfigurableApplicationContext context = application.run("--" + this.bundle,
				"--infisical.ssl.bundle=infisical-ca", "--infisical.site-url=" + this.server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=project-1",
				"--infisical.secrets.environment=dev", "--spring.config.import=infisical:")) {
			assertThat(context.getEnvironment().getProperty("API_KEY")).isEqualTo("value-over-tls");
			assertThat(this.server.loginCount()).isOne();
		}
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, InfisicalAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class, InfisicalTestFixtures::credentials)
			.withPropertyValues("infisical.site-url=" + this.server.url(),
					"infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"infisical.aws-auth.region=us-east-1", "infisical.retry.initial-interval=20ms",
					"infisical.retry.max-interval=50ms", "infisical.retry.max-elapsed-time=200ms");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, InfisicalConfigDataAutoConfiguration.class,
			InfisicalAutoConfiguration.class })
	static class TestApplication {

	}

}
