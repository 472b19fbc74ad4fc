package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.RecordedRequest;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@code spring.config.import=infisical:} against the in-process
 * Infisical test server.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalConfigDataIntegrationTests {

	private static final String PROJECT = "project-1";

	private static final String DB_PASSWORD = "Db-Pa55-Never-Logged";

	private static final String NEW_DB_PASSWORD = "New-Db-Pa55-Never-Logged";

	private static final String MULTI_LINE = "-----BEGIN-----\nNever-Logged-Line\n-----END-----";

	private static final String UNICODE = "Never-Logged-ünïcødé-密码";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void importsSecretsAsPropertiesWithOneLogin(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD).secret("SHARED", "root");
		server.project(PROJECT)
			.environment("dev")
			.folder("/app/backend")
			.secret("SHARED", "backend")
			.secret("PEM", MULTI_LINE)
			.secret("UNICODE", UNICODE);
		server.project(PROJECT).environment("staging").folder("/app").secret("STAGING_ONLY", "staging-value");
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:,infisical:/app/backend,"
				+ "infisical:/app/backend?prefix=backend.,infisical:/app?environment=staging");
		ConfigurableEnvironment environment = context.getEnvironment();
		assertThat(environment.getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		assertThat(environment.getProperty("db.password")).isEqualTo(DB_PASSWORD);
		assertThat(environment.getProperty("SHARED")).isEqualTo("backend");
		assertThat(environment.getProperty("PEM")).isEqualTo(MULTI_LINE);
		assertThat(environment.getProperty("UNICODE")).isEqualTo(UNICODE);
		assertThat(environment.getProperty("backend.PEM")).isEqualTo(MULTI_LINE);
		assertThat(environment.getProperty("STAGING_ONLY")).isEqualTo("staging-value");
		assertThat(context.getBean(PasswordHolder.class).getPassword()).isEqualTo(DB_PASSWORD);
		assertThat(context.getBean(DbProperties.class).getPassword()).isEqualTo(DB_PASSWORD);
		assertThat(context.getBeansOfType(InfisicalTokenProvider.class)).hasSize(1);
		// the same bean type with and without an import
		assertThat(context.getBean(LifecycleAwareTokenProvider.class))
			.isSameAs(context.getBean(InfisicalTokenProvider.class));
		assertThat(context.getBean(InfisicalSecretsClient.class)
			.getSecret(SecretLocation.of(PROJECT, "dev", "/"), "DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		assertThat(server.loginCount()).isOne();
		assertNoSecretIn(output);
	}

	@Test
	void importsFromServerWithoutV4(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.V2024);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		assertThat(server.requests("/api/v3/secrets/raw")).isNotEmpty();
		assertNoSecretIn(output);
	}

	@Test
	void requiredImportOfMissingFolderFailsStartup(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev");
		assertThatException().isThrownBy(() -> run(server, "--spring.config.import=infisical:/missing"))
			.satisfies((ex) -> assertThat(messages(ex)).contains("path '/missing'").contains("optional:infisical:"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Cannot import the Infisical secrets of")
			.contains("Check infisical.secrets.project-id");
	}

	@Test
	void requiredImportOfMissingFolderOn2024ServerFailsStartupAndOptionalOneStarts(CapturedOutput output) {
		// that server answers a missing folder with an empty list, not 404
		InfisicalTestServer server = server(Generation.V2024);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		server.project(PROJECT).environment("dev").folder("/empty");
		assertThatException().isThrownBy(() -> run(server, "--spring.config.import=infisical:,infisical:/missing"))
			.satisfies((ex) -> assertThat(messages(ex)).contains("path '/missing'").contains("does not exist"));
		assertThat(output).contains("APPLICATION FAILED TO START");
		ConfigurableApplicationContext context = run(server,
				"--spring.config.import=infisical:,optional:infisical:/missing,infisical:/empty");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
	}

	@Test
	void oversizedAnswerFailsAnImportNamingTheLimit() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		server.failAlways("/api/v4/secrets", Fault.oversizedBody(64L * 1024 * 1024));
		assertThatException().isThrownBy(() -> run(server, "--spring.config.import=infisical:"))
			.satisfies((ex) -> assertThat(messages(ex)).contains("infisical.max-response-size"));
		server.clearFaults();
	}

	@Test
	void optionalImportOfMissingFolderOrUnreachableServerStarts() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server,
				"--spring.config.import=infisical:,optional:infisical:/missing");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		server.stop();
		ConfigurableApplicationContext offline = run(server, "--spring.config.import=optional:infisical:",
				"--infisical.token.fail-fast=false");
		assertThat(offline.getEnvironment().getProperty("DB_PASSWORD")).isNull();
	}

	@Test
	void requiredImportOfAnUnreachableServerFailsStartupNamingTheSite(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.stop();
		assertThatException().isThrownBy(() -> run(server, "--spring.config.import=infisical:"))
			.satisfies((ex) -> assertThat(messages(ex)).contains("cannot reach Infisical"));
		assertThat(output).contains("APPLICATION FAILED TO START").contains("infisical.site-url");
	}

	@Test
	void optionalImportOfAnUnreachableServerStillFailsStartupWithFailFast(CapturedOutput output) {
		// optional: tolerates the import; infisical.token.fail-fast governs the token
		// bean
		InfisicalTestServer server = server(Generation.CURRENT);
		server.stop();
		assertThatException().isThrownBy(() -> run(server, "--spring.config.import=optional:infisical:"));
		assertThat(output).contains("Skipping optional Infisical import")
			.contains("APPLICATION FAILED TO START")
			.contains("infisical.token.fail-fast=false");
	}

	@Test
	void disabledIgnoresARequiredImport() {
		InfisicalTestServer server = server(Generation.CURRENT);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.enabled=false");
		assertThat(context.getBeansOfType(InfisicalTokenProvider.class)).isEmpty();
		assertThat(server.loginCount()).isZero();
	}

	@Test
	void optionalImportsOfAnUnreachableServerSpendOneRetryBudget(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.failAlways("/api/v1/auth/aws-auth/login", Fault.status(503));
		ConfigurableApplicationContext context = run(server,
				"--spring.config.import=optional:infisical:,optional:infisical:/other,optional:infisical:/third",
				"--infisical.token.fail-fast=false", "--infisical.retry.initial-interval=100ms",
				"--infisical.retry.max-interval=100ms");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isNull();
		assertThat(context.getBeansOfType(InfisicalTokenProvider.class)).hasSize(1);
		// the first import spends the budget; the second and third fail at once, with
		// no retried login of their own in between
		String log = output.getOut();
		int firstSkip = log.indexOf("Skipping optional Infisical import");
		assertThat(firstSkip).isPositive();
		assertThat(log.indexOf("Login to Infisical failed, attempt", firstSkip)).isEqualTo(-1);
		assertThat(log.split("Skipping optional Infisical import", -1)).hasSize(4);
	}

	@Test
	void anOptionalImportSkippedAtStartIsPolledUntilItLoads() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server,
				"--spring.config.import=infisical:,optional:infisical:/later",
				"--infisical.secrets.refresh-interval=1h");
		assertThat(context.getEnvironment().getProperty("LATER")).isNull();
		InfisicalSecretsPoller poller = context.getBean(InfisicalSecretsPoller.class);
		assertThat(poller.poll()).isEmpty();
		server.project(PROJECT).environment("dev").folder("/later").secret("LATER", "arrived");
		assertThat(poller.poll()).containsExactly("LATER");
		assertThat(context.getEnvironment().getProperty("LATER")).isEqualTo("arrived");
	}

	@Test
	void aRequiredImportIsNotTakenForAnOptionalOneOfTheSameLocation() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		assertThatException()
			.isThrownBy(() -> run(server, "--spring.config.import=optional:infisical:/missing,infisical:/missing"))
			.satisfies((ex) -> assertThat(messages(ex)).contains("path '/missing'"));
		assertThatException()
			.isThrownBy(() -> run(server, "--spring.config.import=infisical:/missing,optional:infisical:/missing"))
			.satisfies((ex) -> assertThat(messages(ex)).contains("path '/missing'"));
		server.clearRequests();
		ConfigurableApplicationContext context = run(server, "--spring.config.import=optional:infisical:,infisical:");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		assertThat(server.requests("/api/v4/secrets")).hasSize(1);
	}

	@Test
	void configDataApplicationContextInitializerFillsTheImportsToo() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		this.closeables.add(0, context);
		TestPropertyValues
			.of("spring.config.import=infisical:", "infisical.site-url=" + server.url(),
					"infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"infisical.aws-auth.region=us-east-1", "infisical.secrets.project-id=" + PROJECT,
					"infisical.secrets.environment=dev")
			.applyTo(context);
		System.setProperty("aws.accessKeyId", InfisicalTestFixtures.ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", InfisicalTestFixtures.SECRET_ACCESS_KEY);
		System.setProperty("aws.sessionToken", InfisicalTestFixtures.SESSION_TOKEN);
		try {
			new ConfigDataApplicationContextInitializer().initialize(context);
		}
		finally {
			System.clearProperty("aws.accessKeyId");
			System.clearProperty("aws.secretAccessKey");
			System.clearProperty("aws.sessionToken");
		}
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		assertThat(context.getBeanFactory().containsSingleton(InfisicalConfigDataClients.BEAN_NAME)).isTrue();
		server.project(PROJECT).environment("dev");
		AnnotationConfigApplicationContext missing = new AnnotationConfigApplicationContext();
		this.closeables.add(0, missing);
		TestPropertyValues
			.of("spring.config.import=infisical:/missing", "infisical.site-url=" + server.url(),
					"infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"infisical.aws-auth.region=us-east-1", "infisical.secrets.project-id=" + PROJECT,
					"infisical.secrets.environment=dev")
			.applyTo(missing);
		assertThatException().isThrownBy(() -> new ConfigDataApplicationContextInitializer().initialize(missing))
			.satisfies((ex) -> assertThat(messages(ex)).contains("path '/missing'"));
	}

	@Test
	void failedRequiredImportLeavesNoBackgroundLogin() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.failAlways("/api/v1/auth/aws-auth/login", Fault.status(503));
		assertThatException()
			.isThrownBy(() -> run(server, "--spring.config.import=infisical:", "--infisical.token.fail-fast=false"));
		int attempts = server.loginCount();
		// an attempt already on its way when the startup failed may still arrive; retries
		// in the background would come every second or two (the default backoff)
		await().during(Duration.ofMillis(2500))
			.atMost(Duration.ofSeconds(3))
			.until(() -> server.loginCount() <= attempts + 1);
	}

	@Test
	void aStartupThatFailsAfterTheImportLeavesNothingRunning() {
		// a token of 2 s: refreshed a second after the login, were anything running
		InfisicalTestServer server = server(Generation.CURRENT);
		InfisicalTestFixtures.configure(server, Duration.ofSeconds(2), Duration.ofMinutes(10));
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		// a listener of the prepared environment that runs after the post-processors
		// fails, as a later post-processor or the logging configuration might
		assertThatException().isThrownBy(() -> run(server,
				(application) -> application.addListeners((ApplicationEnvironmentPreparedEvent event) -> {
					throw new IllegalStateException("failing after the import");
				}), "--spring.config.import=infisical:"))
			.withMessage("failing after the import");
		assertThat(server.loginCount()).isOne();
		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(3))
			.until(() -> server.loginCount() + server.renewCount() == 1);
	}

	@Test
	void hiddenValueFailsStartupNamingTheKey(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).hiddenValues(PROJECT, "dev", "/");
		assertThatException().isThrownBy(() -> run(server, "--spring.config.import=infisical:"))
			.satisfies((ex) -> assertThat(messages(ex)).contains("'DB_PASSWORD'").doesNotContain(DB_PASSWORD));
		assertNoSecretIn(output);
	}

	@Test
	void contextRefreshReusesTheRunningTokenProvider() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:");
		assertThat(server.loginCount()).isOne();
		InfisicalTokenProvider tokenProvider = context.getBean(InfisicalTokenProvider.class);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", NEW_DB_PASSWORD);
		Set<String> changed = context.getBean(ContextRefresher.class).refresh();
		assertThat(changed).contains("DB_PASSWORD");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(NEW_DB_PASSWORD);
		context.getBean(ContextRefresher.class).refresh();
		// the refresh found the clients through the bootstrap context
		// spring-cloud-context keeps
		assertThat(server.loginCount()).isOne();
		assertThat(context.getBean(InfisicalTokenProvider.class)).isSameAs(tokenProvider);
	}

	@Test
	void pollingRefreshesRefreshScopeAndConfigurationPropertiesBeans(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.refresh-interval=200ms");
		RefreshScoped refreshScoped = context.getBean(RefreshScoped.class);
		DbProperties properties = context.getBean(DbProperties.class);
		ChangeListener listener = context.getBean(ChangeListener.class);
		RefreshCounter refreshEvents = context.getBean(RefreshCounter.class);
		assertThat(refreshScoped.getPassword()).isEqualTo(DB_PASSWORD);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("/api/v4/secrets").size() >= 4);
		// polls that find no change publish nothing
		assertThat(refreshEvents.count).hasValue(0);
		assertThat(listener.keys).isEmpty();
		server.enqueueFaults("/api/v4/secrets", Fault.rateLimited(Duration.ofSeconds(1)));
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", NEW_DB_PASSWORD);
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isNotNull();
			return NEW_DB_PASSWORD.equals(refreshScoped.getPassword());
		});
		assertThat(properties.getPassword()).isEqualTo(NEW_DB_PASSWORD);
		assertThat(listener.keys).contains("DB_PASSWORD");
		int polls = server.requests("/api/v4/secrets").size();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("/api/v4/secrets").size() >= polls + 3);
		assertThat(refreshEvents.count).hasValue(1);
		assertThat(server.loginCount()).isOne();
		assertNoSecretIn(output);
	}

	@Test
	void aDetectedChangeCostsOneRead() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD).secret("OTHER", "other");
		server.project(PROJECT).environment("dev").folder("/unchanged").secret("UNCHANGED", "unchanged");
		// polled by hand: the scheduled polls are an hour apart
		ConfigurableApplicationContext context = run(server,
				"--spring.config.import=infisical:,infisical:/unchanged,infisical:/unchanged?prefix=again.",
				"--infisical.secrets.refresh-interval=1h");
		RefreshCounter refreshEvents = context.getBean(RefreshCounter.class);
		InfisicalSecretsPoller poller = context.getBean(InfisicalSecretsPoller.class);
		int start = server.requests("/api/v4/secrets").size();
		assertThat(poller.poll()).isEmpty();
		// one read per location, however many imports it serves
		assertThat(server.requests("/api/v4/secrets")).hasSize(start + 2);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", NEW_DB_PASSWORD);
		assertThat(poller.poll()).containsExactly("DB_PASSWORD");
		// the poll read both locations once; the reload it triggered read nothing more
		assertThat(server.requests("/api/v4/secrets")).hasSize(start + 4);
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(NEW_DB_PASSWORD);
		assertThat(refreshEvents.count).hasValue(1);
		assertThat(context.getEnvironment().getProperty("UNCHANGED")).isEqualTo("unchanged");
		assertThat(context.getEnvironment().getProperty("again.UNCHANGED")).isEqualTo("unchanged");
	}

	@Test
	void aChangeOfMetadataOnlyKeepsPollsConditional() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.refresh-interval=1h");
		InfisicalSecretsPoller poller = context.getBean(InfisicalSecretsPoller.class);
		// a key that never becomes a property: the answer changes, the properties do not
		server.project(PROJECT).environment("dev").secret("SPRING_PROFILES_INCLUDE", "x");
		assertThat(poller.poll()).isEmpty();
		String etag = context.getEnvironment()
			.getPropertySources()
			.stream()
			.filter(InfisicalPropertySource.class::isInstance)
			.map((source) -> ((InfisicalPropertySource) source).getSnapshot().getEtag())
			.findFirst()
			.orElseThrow();
		assertThat(poller.poll()).isEmpty();
		List<RecordedRequest> requests = server.requests("/api/v4/secrets");
		assertThat(requests.get(requests.size() - 1).header("If-None-Match")).isEqualTo(etag);
		assertThat(context.getBean(RefreshCounter.class).count).hasValue(0);
	}

	@Test
	void aReloadThatFailsKeepsTheLastGoodValues(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:");
		server.failAlways("/api/v4/secrets", Fault.status(503));
		context.getBean(ContextRefresher.class).refresh();
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		assertThat(context.getBean(DbProperties.class).getPassword()).isEqualTo(DB_PASSWORD);
		assertThat(output).contains("keeping the last values read");
		server.clearFaults();
		server.revokeAllTokens();
		server.failAlways("/api/v1/auth/aws-auth/login", Fault.status(503));
		context.getBean(ContextRefresher.class).refresh();
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		server.clearFaults();
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", NEW_DB_PASSWORD);
		context.getBean(ContextRefresher.class).refresh();
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(NEW_DB_PASSWORD);
	}

	@Test
	void pollingWithoutContextRefreshUpdatesTheEnvironmentInPlace() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.refresh-interval=200ms", "--spring.cloud.refresh.enabled=false");
		server.failAlways("/api/v4/secrets", Fault.status(503));
		await().atMost(Duration.ofSeconds(5)).until(() -> server.requests("/api/v4/secrets").size() >= 3);
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		server.clearFaults();
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", NEW_DB_PASSWORD);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> NEW_DB_PASSWORD.equals(context.getEnvironment().getProperty("DB_PASSWORD")));
	}

	@Test
	void changesArriveOnceWithRefreshAutoConfigurationExcluded() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		// spring-cloud-context is there, its refresh is not: no ContextRefresher bean
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.refresh-interval=1h",
				"--spring.autoconfigure.exclude=org.springframework.cloud.autoconfigure.RefreshAutoConfiguration");
		assertThat(context.getBeanProvider(ContextRefresher.class).getIfAvailable()).isNull();
		InfisicalSecretsPoller poller = context.getBean(InfisicalSecretsPoller.class);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", NEW_DB_PASSWORD);
		assertThat(poller.poll()).containsExactly("DB_PASSWORD");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(NEW_DB_PASSWORD);
		// announced once: the next poll finds nothing new
		assertThat(poller.poll()).isEmpty();
	}

	@Test
	void legacyBootstrapProvidesTheSamePropertySource() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		// the bootstrap context does not see the application's bootstrap registry:
		// use the AWS default chain
		System.setProperty("aws.accessKeyId", InfisicalTestFixtures.ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", InfisicalTestFixtures.SECRET_ACCESS_KEY);
		System.setProperty("aws.sessionToken", InfisicalTestFixtures.SESSION_TOKEN);
		try {
			ConfigurableApplicationContext context = run(server, "--spring.cloud.bootstrap.enabled=true");
			assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
			assertThat(context.getBean(DbProperties.class).getPassword()).isEqualTo(DB_PASSWORD);
			// the clients live in the bootstrap context, the parent
			assertThat(context.getParent().getBeansOfType(InfisicalConfigDataClients.class)).hasSize(1);
			assertThat(context.getBeansOfType(InfisicalTokenProvider.class)).hasSize(1);
			assertThat(server.loginCount()).isOne();
			// Spring Cloud leaves the bootstrap context open: the clients close with the
			// application
			InfisicalTokenProvider provider = context.getBean(InfisicalTokenProvider.class);
			context.close();
			assertThat(((ConfigurableApplicationContext) context.getParent()).isActive()).isTrue();
			assertThatIllegalStateException().isThrownBy(provider::getToken).withMessageContaining("closed");
		}
		finally {
			System.clearProperty("aws.accessKeyId");
			System.clearProperty("aws.secretAccessKey");
			System.clearProperty("aws.sessionToken");
		}
	}

	private InfisicalTestServer server(Generation generation) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		return server;
	}

	private ConfigurableApplicationContext run(InfisicalTestServer server, String... args) {
		return run(server, (application) -> {
		}, args);
	}

	private ConfigurableApplicationContext run(InfisicalTestServer server, Consumer<SpringApplication> customizer,
			String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		customizer.accept(application);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		List<String> arguments = new ArrayList<>(List.of("--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=" + PROJECT,
				"--infisical.secrets.environment=dev", "--infisical.retry.initial-interval=50ms",
				"--infisical.retry.max-interval=200ms", "--infisical.retry.max-elapsed-time=1s",
				"--infisical.token.max-wait=500ms", "--spring.main.banner-mode=off",
				"--logging.level.io.github.infisicalawsauth=debug",
				// reads happen when a test or a poll asks: event streams have tests of
				// their own
				"--infisical.secrets.events.enabled=false"));
		arguments.addAll(List.of(args));
		// a later argument replaces an earlier one of the same name
		Map<String, String> byName = new LinkedHashMap<>();
		arguments.forEach((argument) -> byName.put(argument.substring(0, argument.indexOf('=')), argument));
		ConfigurableApplicationContext context = application.run(byName.values().toArray(String[]::new));
		this.closeables.add(0, context);
		return context;
	}

	private static String messages(Throwable ex) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private static void assertNoSecretIn(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain(DB_PASSWORD)
			.doesNotContain(NEW_DB_PASSWORD)
			.doesNotContain("Never-Logged")
			.doesNotContain(InfisicalTestFixtures.SECRET_ACCESS_KEY)
			.doesNotContain(InfisicalTestFixtures.SESSION_TOKEN);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableConfigurationProperties(DbProperties.class)
	static class TestApplication {

		@Bean
		PasswordHolder passwordHolder(@Value("${DB_PASSWORD:}") String password) {
			return new PasswordHolder(password);
		}

		@Bean
		@RefreshScope
		RefreshScoped refreshScoped(@Value("${DB_PASSWORD:}") String password) {
			return new RefreshScoped(password);
		}

		@Bean
		ChangeListener changeListener() {
			return new ChangeListener();
		}

		@Bean
		RefreshCounter refreshCounter() {
			return new RefreshCounter();
		}

	}

	static class PasswordHolder {

		private final String password;

		PasswordHolder(String password) {
			this.password = password;
		}

		String getPassword() {
			return this.password;
		}

	}

	static class RefreshScoped {

		private final String password;

		RefreshScoped(String password) {
			this.password = password;
		}

		String getPassword() {
			return this.password;
		}

	}

	static class ChangeListener implements ApplicationListener<EnvironmentChangeEvent> {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			this.keys.addAll(event.getKeys());
		}

	}

	// every context refresh publishes one EnvironmentChangeEvent
	static class RefreshCounter implements ApplicationListener<EnvironmentChangeEvent> {

		final AtomicInteger count = new AtomicInteger();

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			this.count.incrementAndGet();
		}

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

}
