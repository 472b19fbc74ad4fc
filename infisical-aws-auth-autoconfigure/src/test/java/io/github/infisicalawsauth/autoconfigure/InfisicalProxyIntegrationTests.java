package io.github.infisicalawsauth.autoconfigure;

import java.net.ProxySelector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.TestCertificates;
import io.github.infisicalawsauth.TestConnectProxy;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalConfigDataAutoConfiguration;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reaches an HTTPS Infisical through an HTTP {@code CONNECT} proxy on loopback, set by
 * the JVM's proxy properties or by an {@link InfisicalHttpClientCustomizer}, for the
 * beans and for config data.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalProxyIntegrationTests {

	// keytool is slow: one certificate for all tests
	private static TestCertificates certificates;

	private InfisicalTestServer server;

	private TestConnectProxy proxy;

	private String bundle;

	@BeforeAll
	static void createCertificates(@TempDir Path directory) {
		certificates = TestCertificates.create(directory);
	}

	@BeforeEach
	void start() throws Exception {
		this.server = InfisicalTestServer.builder().https(certificates.serverContext()).start();
		InfisicalTestFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
		this.server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject("project-1");
		this.server.project("project-1").environment("dev").secret("API_KEY", "through-the-proxy");
		this.bundle = "spring.ssl.bundle.pem.infisical-ca.truststore.certificate=file:" + certificates.certificate();
		this.proxy = TestConnectProxy.start();
	}

	@AfterEach
	void stop() throws Exception {
		this.proxy.close();
		this.server.close();
	}

	@Test
	void jvmProxyPropertiesAreHonoured() {
		// loopback is never proxied unless the exceptions are set to none at all
		Map<String, String> properties = Map.of("https.proxyHost", "127.0.0.1", "https.proxyPort",
				String.valueOf(this.proxy.port()), "http.nonProxyHosts", "");
		properties.forEach(System::setProperty);
		try {
			runner().run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(InfisicalTokenProvider.class).getToken()).isNotNull();
			});
		}
		finally {
			properties.keySet().forEach(System::clearProperty);
		}
		assertThat(this.proxy.targets()).contains("127.0.0.1:" + this.server.port());
	}

	@Test
	void customizerBeanSetsTheProxyOfTheBeans() {
		runner()
			.withBean(InfisicalHttpClientCustomizer.class,
					() -> (builder) -> builder.proxy(ProxySelector.of(this.proxy.address())))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.proxy.targets()).contains("127.0.0.1:" + this.server.port());
		assertThat(this.server.loginCount()).isOne();
	}

	@Test
	void customizerInTheBootstrapRegistrySetsTheProxyOfConfigData() {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addBootstrapRegistryInitializer((registry) -> {
			registry.register(AwsCredentialsProvider.class, InstanceSupplier.of(InfisicalTestFixtures.credentials()));
			registry.register(InfisicalHttpClientCustomizer.class,
					InstanceSupplier.of((builder) -> builder.proxy(ProxySelector.of(this.proxy.address()))));
		});
		try (ConfigurableApplicationContext context = application.run("--" + this.bundle,
				"--infisical.ssl.bundle=infisical-ca", "--infisical.site-url=" + this.server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=project-1",
				"--infisical.secrets.environment=dev", "--spring.config.import=infisical:")) {
			assertThat(context.getEnvironment().getProperty("API_KEY")).isEqualTo("through-the-proxy");
		}
		assertThat(this.proxy.targets()).contains("127.0.0.1:" + this.server.port());
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, InfisicalAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class, InfisicalTestFixtures::credentials)
			.withPropertyValues(this.bundle, "infisical.ssl.bundle=infisical-ca",
					"infisical.site-url=" + this.server.url(),
					"infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"infisical.aws-auth.region=us-east-1");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, InfisicalConfigDataAutoConfiguration.class,
			InfisicalAutoConfiguration.class })
	static class TestApplication {

	}

}
