package io.github.infisicalawsauth.autoconfigure.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests of where the settings of {@code infisical:} imports come from, in the
 * setups applications have: the import in an environment variable, settings in
 * {@code application-{profile}.yml} or a profile document, several imports, and secret
 * values that look like Spring placeholders.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalConfigDataSettingsIntegrationTests {

	private static final String PROJECT = "project-1";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void importAsEnvironmentVariableWithSettingsInApplicationYml() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext context = run(server, "settings-in-file",
				Map.of("SPRING_CONFIG_IMPORT", "infisical:"));
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void importOnTheCommandLineWithSettingsInApplicationYml() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext context = run(server, "settings-in-file", Map.of(),
				"--spring.config.import=infisical:");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
	}

	@Test
	void environmentInApplicationProdYmlLoadsProdAndNothingOfDev() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext context = run(server, "profile-file", Map.of(), "--spring.profiles.active=prod");
		assertProdOnly(context);
		assertThat(server.requests("/api/v4/secrets"))
			.allSatisfy((request) -> assertThat(request.queryParameters()).containsEntry("environment", "prod"));
	}

	@Test
	void withoutTheProfileApplicationYmlStillLoadsDev() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext context = run(server, "profile-file", Map.of());
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
		assertThat(context.getEnvironment().getProperty("DEV_ONLY")).isEqualTo("dev-only-value");
		assertThat(context.getEnvironment().getProperty("PROD_ONLY")).isNull();
	}

	@Test
	void importAsEnvironmentVariableWithEnvironmentInApplicationProdYml() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext context = run(server, "profile-file",
				Map.of("SPRING_CONFIG_IMPORT", "infisical:", "SPRING_PROFILES_ACTIVE", "prod"));
		assertProdOnly(context);
	}

	@Test
	void profileDocumentRepeatingTheImportLoadsProdAndNothingOfDev() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext context = run(server, "profile-document", Map.of(),
				"--spring.profiles.active=prod");
		assertProdOnly(context);
		assertThat(context.getEnvironment()
			.getPropertySources()
			.stream()
			.filter(InfisicalPropertySource.class::isInstance)).hasSize(1);
	}

	@Test
	void severalImportsAreAllResolvedWithTheFinalConfiguration() {
		InfisicalTestServer server = server();
		server.project(PROJECT).environment("prod").folder("/payments").secret("API_KEY", "prod-payments-key");
		server.project(PROJECT).environment("dev").folder("/payments").secret("API_KEY", "dev-payments-key");
		server.project(PROJECT).environment("shared").folder("/shared").secret("SHARED_KEY", "shared-value");
		ConfigurableApplicationContext context = run(server, "several-imports", Map.of(),
				"--spring.profiles.active=prod");
		ConfigurableEnvironment environment = context.getEnvironment();
		assertProdOnly(context);
		assertThat(environment.getProperty("payments.API_KEY")).isEqualTo("prod-payments-key");
		assertThat(environment.getProperty("SHARED_KEY")).isEqualTo("shared-value");
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void infisicalEnabledOnlyInAProfileFile() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext disabled = run(server, "enabled-by-profile", Map.of());
		assertThat(disabled.getEnvironment().getProperty("DB_PASSWORD")).isNull();
		assertThat(disabled.getBeansOfType(InfisicalTokenProvider.class)).isEmpty();
		assertThat(server.loginCount()).isZero();
		ConfigurableApplicationContext enabled = run(server, "enabled-by-profile", Map.of(),
				"--spring.profiles.active=prod");
		assertProdOnly(enabled);
	}

	@Test
	void secretsNamedLikeProfilePropertiesNeitherBreakStartupNorActivateProfiles(CapturedOutput output) {
		InfisicalTestServer server = server();
		server.project(PROJECT)
			.environment("dev")
			.secret("SPRING_PROFILES_INCLUDE", "evil")
			.secret("SPRING_PROFILES_ACTIVE", "evil")
			.secret("SPRING_CONFIG_IMPORT", "optional:file:/does-not-exist/");
		ConfigurableApplicationContext context = run(server, "settings-in-file", Map.of(),
				"--spring.config.import=infisical:", "--spring.profiles.active=test");
		assertThat(context.getEnvironment().getActiveProfiles()).containsExactly("test");
		assertThat(context.getEnvironment().getProperty("spring.profiles.include")).isNull();
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
		assertThat(output).contains("Ignoring Infisical secrets")
			.contains("SPRING_PROFILES_INCLUDE")
			.doesNotContain("evil");
	}

	@Test
	void valuesThatLookLikePlaceholdersArriveVerbatimInEveryInjectionStyle() {
		InfisicalTestServer server = server();
		for (String value : new String[] { "abc${NOT_A_PLACEHOLDER}def", "${user.home}", "$1", "\\", "$" }) {
			server.project(PROJECT).environment("dev").secret("DB_PASSWORD", value);
			ConfigurableApplicationContext context = run(server, "references", Map.of());
			assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(value);
			assertThat(context.getBean(PasswordHolder.class).password).isEqualTo(value);
			assertThat(context.getBean(DbProperties.class).getPassword()).isEqualTo(value);
			assertThat(context.getBean(ReferenceProperties.class).getPassword()).isEqualTo(value);
			assertThat(context.getBean(ReferenceProperties.class).getWrapped()).isEqualTo("[" + value + "]");
			assertThat(context.getEnvironment().getProperty("reference.password")).isEqualTo(value);
			context.close();
		}
	}

	@Test
	void userTokenProviderIsTheOneInjectedWhileConfigDataUsesItsOwn() {
		InfisicalTestServer server = server();
		ConfigurableApplicationContext context = run(server, "settings-in-file", Map.of(),
				"--spring.config.import=infisical:", "--test.user-token-provider=true");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
		assertThat(context.getBeansOfType(InfisicalTokenProvider.class)).hasSize(1);
		assertThat(context.getBean(InfisicalTokenProvider.class).getToken().value()).isEqualTo("user-token");
		assertThat(context.getBean(TokenUser.class).tokenProvider).isSameAs(context.getBean(UserToken.class).provider);
		// config data logged in with its own provider
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void aContextRefreshAfterAnOptionalImportWasSkippedLoadsIt() {
		// the application does not need config data's token provider, which never logged
		// in: its clients must still serve a refresh
		InfisicalTestServer server = server();
		server.failAlways("/api/v1/auth/aws-auth/login", Fault.status(503));
		ConfigurableApplicationContext context = run(server, "settings-in-file", Map.of(),
				"--spring.config.import=optional:infisical:", "--test.user-token-provider=true",
				"--infisical.retry.initial-interval=50ms", "--infisical.retry.max-elapsed-time=200ms");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isNull();
		server.clearFaults();
		context.getBean(ContextRefresher.class).refresh();
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
	}

	@Test
	void twoContextsWithDifferentSettingsInOneJvmGetDifferentClients() {
		InfisicalTestServer first = server();
		InfisicalTestServer second = server();
		second.project(PROJECT).environment("dev").secret("DB_PASSWORD", "second-server-password");
		ConfigurableApplicationContext one = run(first, "settings-in-file", Map.of(),
				"--spring.config.import=infisical:");
		ConfigurableApplicationContext two = run(second, "settings-in-file", Map.of(),
				"--spring.config.import=infisical:", "--infisical.read-timeout=3s");
		assertThat(one.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
		assertThat(two.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("second-server-password");
		assertThat(one.getBean(InfisicalHttpClient.class)).isNotSameAs(two.getBean(InfisicalHttpClient.class));
		assertThat(one.getBean(InfisicalTokenProvider.class)).isNotSameAs(two.getBean(InfisicalTokenProvider.class));
		assertThat(two.getBean(InfisicalHttpClient.class).getSiteUrl().toString()).startsWith(second.url());
		// the same settings in a second context: still its own clients
		ConfigurableApplicationContext three = run(first, "settings-in-file", Map.of(),
				"--spring.config.import=infisical:");
		assertThat(three.getBean(InfisicalTokenProvider.class)).isNotSameAs(one.getBean(InfisicalTokenProvider.class));
		one.close();
		assertThat(three.getBean(InfisicalSecretsClient.class)
			.getSecrets(io.github.infisicalawsauth.secrets.SecretLocation.of(PROJECT, "dev", "/")))
			.containsKey("DB_PASSWORD");
		assertThat(first.loginCount()).isEqualTo(2);
	}

	@Test
	void roleAssumedOnTopOfTheDefaultChainSignsConfigDataAndTheBeans() {
		InfisicalTestServer server = server();
		server.addAwsRole("arn:aws:iam::123456789012:role/orders-service");
		Map<String, String> properties = Map.of("aws.accessKeyId", InfisicalTestFixtures.ACCESS_KEY_ID,
				"aws.secretAccessKey", InfisicalTestFixtures.SECRET_ACCESS_KEY, "aws.sessionToken",
				InfisicalTestFixtures.SESSION_TOKEN, "aws.endpointUrlSts", server.stsEndpoint().toString());
		properties.forEach(System::setProperty);
		try {
			SpringApplication application = new SpringApplication(TestApplication.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			ConfigurableApplicationContext context = application.run("--infisical.site-url=" + server.url(),
					"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"--infisical.aws-auth.region=us-east-1",
					"--infisical.aws-auth.role-arn=arn:aws:iam::123456789012:role/orders-service",
					"--infisical.aws-auth.role-session-name=orders-config",
					"--spring.config.location=classpath:/config-data/settings-in-file/",
					"--spring.config.import=infisical:", "--spring.main.banner-mode=off");
			this.closeables.add(0, context);
			assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("dev-password");
			assertThat(server.stsCallCount("AssumeRole")).isOne();
			assertThat(server.loginCount()).isOne();
			// signed with the role's temporary credentials, not with the chain's
			String login = server.requests("/api/v1/auth/aws-auth/login").get(0).body();
			String headers = new String(
					Base64.getDecoder().decode(login.replaceAll(".*\"iamRequestHeaders\":\"([^\"]+)\".*", "$1")),
					StandardCharsets.UTF_8);
			assertThat(headers).contains("Credential=ASIA").doesNotContain(InfisicalTestFixtures.ACCESS_KEY_ID);
			assertThat(context.getBean(InfisicalConfigDataClients.class).getCredentialsDescription())
				.isEqualTo("role arn:aws:iam::123456789012:role/orders-service assumed with the AWS SDK default "
						+ "credentials chain");
		}
		finally {
			properties.keySet().forEach(System::clearProperty);
		}
	}

	private static void assertProdOnly(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		assertThat(environment.getProperty("infisical.secrets.environment")).isEqualTo("prod");
		assertThat(environment.getProperty("DB_PASSWORD")).isEqualTo("prod-password");
		assertThat(environment.getProperty("PROD_ONLY")).isEqualTo("prod-only-value");
		assertThat(environment.getProperty("DEV_ONLY")).isNull();
		assertThat(context.getBean(PasswordHolder.class).password).isEqualTo("prod-password");
	}

	private InfisicalTestServer server() {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(Generation.CURRENT).start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		server.project(PROJECT)
			.environment("dev")
			.secret("DB_PASSWORD", "dev-password")
			.secret("DEV_ONLY", "dev-only-value");
		server.project(PROJECT)
			.environment("prod")
			.secret("DB_PASSWORD", "prod-password")
			.secret("PROD_ONLY", "prod-only-value");
		return server;
	}

	private ConfigurableApplicationContext run(InfisicalTestServer server, String configDirectory,
			Map<String, String> environmentVariables, String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		if (!environmentVariables.isEmpty()) {
			// as the variables of the process: Spring Boot reads them the same way
			StandardEnvironment environment = new StandardEnvironment();
			Map<String, Object> variables = new HashMap<>(System.getenv());
			variables.putAll(environmentVariables);
			environment.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								variables));
			application.setEnvironment(environment);
		}
		List<String> arguments = new ArrayList<>(List.of("--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1",
				"--spring.config.location=classpath:/config-data/" + configDirectory + "/",
				"--spring.main.banner-mode=off"));
		arguments.addAll(List.of(args));
		ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
		this.closeables.add(0, context);
		return context;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableConfigurationProperties({ DbProperties.class, ReferenceProperties.class })
	static class TestApplication {

		@Bean
		PasswordHolder passwordHolder(@Value("${DB_PASSWORD:}") String password) {
			return new PasswordHolder(password);
		}

		@Bean
		TokenUser tokenUser(ObjectProvider<InfisicalTokenProvider> tokenProvider) {
			return new TokenUser(tokenProvider.getIfAvailable());
		}

		@Configuration(proxyBeanMethods = false)
		@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty("test.user-token-provider")
		static class UserTokenConfiguration {

			@Bean
			UserToken userToken() {
				return new UserToken(() -> InfisicalAccessToken.of("user-token", null));
			}

			@Bean
			InfisicalTokenProvider userTokenProvider(UserToken userToken) {
				return userToken.provider;
			}

		}

	}

	record PasswordHolder(String password) {

	}

	record TokenUser(@Nullable InfisicalTokenProvider tokenProvider) {

	}

	record UserToken(InfisicalTokenProvider provider) {

	}

	@ConfigurationProperties("db")
	static class DbProperties {

		private String password = "";

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

	}

	@ConfigurationProperties("reference")
	static class ReferenceProperties {

		private String password = "";

		private String wrapped = "";

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getWrapped() {
			return this.wrapped;
		}

		public void setWrapped(String wrapped) {
			this.wrapped = wrapped;
		}

	}

}
