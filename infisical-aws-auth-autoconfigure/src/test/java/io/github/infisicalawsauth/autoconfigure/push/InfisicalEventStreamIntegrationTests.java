package io.github.infisicalawsauth.autoconfigure.push;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.autoconfigure.actuate.InfisicalEndpoint;
import io.github.infisicalawsauth.client.EventStreamConnection;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.push.EventStreamSubscriptions;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeListener;
import io.github.infisicalawsauth.test.EventPayload;
import io.github.infisicalawsauth.test.EventStreams;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of event subscriptions: an application with
 * {@code spring.config.import=infisical:} against the event streams of the in-process
 * Infisical test server.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalEventStreamIntegrationTests {

	private static final String PROJECT = "project-1";

	private static final String DB_PASSWORD = "Db-Pa55-Never-Logged";

	private static final String NEW_DB_PASSWORD = "New-Db-Pa55-Never-Logged";

	private static final String UNAVAILABLE = "Infisical event subscriptions are not available for project 'project-1'";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@ParameterizedTest
	@EnumSource(EventPayload.class)
	void aChangeIsPushedToTheApplication(EventPayload payload, CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT, payload);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:");
		// loaded, then read once more when the stream opened
		eventually().until(() -> server.secretReadCount() == 2);
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(DB_PASSWORD);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", NEW_DB_PASSWORD);
		eventually().until(() -> context.getBean(ChangeCounter.class).changes.get() == 1);
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(NEW_DB_PASSWORD);
		eventually().until(() -> server.secretReadCount() == 3);
		Counter accepted = context.getBean(MeterRegistry.class)
			.find("infisical.notices")
			.tags("channel", "stream", "outcome", "accepted")
			.counter();
		assertThat(accepted).isNotNull();
		assertThat(accepted.count()).isOne();
		assertThat(output).contains("Subscribed to the Infisical events of project 'project-1' (folders [dev:/])");
		assertNoSecretIn(output);
	}

	@Test
	void aDroppedStreamIsOpenedAgainAndEveryImportReadOnce() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		server.project(PROJECT).environment("dev").folder("/app").secret("APP", "1");
		run(server, "--spring.config.import=infisical:,infisical:/app");
		// the first opening reads both imports once
		eventually().until(() -> server.secretReadCount() == 4);
		server.eventStreams().dropAll();
		eventually().until(() -> server.requests(EventStreams.SUBSCRIBE_PATH).size() == 2);
		eventually().until(() -> server.eventStreams().openCount() == 1 && server.secretReadCount() == 6);
	}

	@Test
	void aStreamThatOpensAgainReadsOnlyTheImportsOfItsProject() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject("project-2");
		server.project("project-2").environment("dev").secret("OTHER", "1");
		run(server, "--spring.config.import=infisical:,infisical:/?project-id=project-2");
		// loaded, then read once more when each project's stream opened
		eventually().until(() -> reads(server, PROJECT) == 2 && reads(server, "project-2") == 2);
		server.eventStreams().dropAll(PROJECT);
		eventually().until(() -> server.requests(EventStreams.SUBSCRIBE_PATH).size() == 3);
		eventually().until(() -> server.eventStreams().openCount() == 2 && reads(server, PROJECT) == 3);
		assertThat(reads(server, "project-2")).isEqualTo(2);
	}

	@ParameterizedTest
	@CsvSource({ "V2024, 0, HTTP 404", "CURRENT, 400, HTTP 400 BadRequest", "CURRENT, 402, HTTP 402 PaymentRequired",
			"CURRENT, 403, HTTP 403 ForbiddenError" })
	void autoFallsBackToPollingWhereTheServerHasNoEventSubscriptions(Generation generation, int refusal, String status,
			CapturedOutput output) {
		InfisicalTestServer server = server(generation, EventPayload.SERVER_CODE);
		if (refusal != 0) {
			server.eventStreams().refuseSubscriptions(refusal);
		}
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.refresh-interval=10m");
		eventually().until(() -> output.getOut().contains(UNAVAILABLE));
		assertThat(context.isRunning()).isTrue();
		assertThat(server.requests(EventStreams.SUBSCRIBE_PATH)).hasSize(1);
		assertThat(count(output.getOut(), UNAVAILABLE)).isOne();
		assertThat(output.getOut()).contains(" INFO ")
			.contains(status)
			.contains("changes are found by polling every 600 s (infisical.secrets.refresh-interval)");
		// other tests' contexts may still log while they close
		assertThat(output.getAll().lines())
			.noneMatch((line) -> line.matches(".*(WARN|ERROR).*(InfisicalEventStreams|EventStreamSubscriptions).*"));
	}

	@ParameterizedTest
	@CsvSource({ "400, HTTP 400 BadRequest, due to plan restriction",
			"402, HTTP 402 PaymentRequired, your plan does not include event subscriptions" })
	void trueFailsStartupWhereTheServerRefusesTheSubscription(int refusal, String status, String message,
			CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		server.eventStreams().refuseSubscriptions(refusal);
		assertThatException()
			.isThrownBy(
					() -> run(server, "--spring.config.import=infisical:", "--infisical.secrets.events.enabled=true"))
			.havingRootCause()
			.withMessageContaining(message);
		assertThat(output)
			.contains("Infisical refused the event subscription of project 'project-1', which "
					+ "infisical.secrets.events.enabled=true requires: POST /api/v1/events/subscribe/project-events "
					+ "failed: " + status)
			.contains("set infisical.secrets.events.enabled=auto to fall back to polling")
			// the startup failure says it all
			.doesNotContain(UNAVAILABLE);
		eventually().until(() -> server.eventStreams().openCount() == 0);
		assertThat(threadsNamed("infisical-event")).isEmpty();
	}

	@Test
	void trueStartsAndPollsWhereOtherInstancesHoldEveryStreamOfTheProject(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		// five instances of the same identity hold the project's streams
		InfisicalHttpClient client = new InfisicalHttpClient(InfisicalSiteUrl.of(server.url(), false),
				HttpClient.newHttpClient(), Duration.ofSeconds(5), InfisicalHttpClient.DEFAULT_MAX_RESPONSE_SIZE);
		this.closeables.add(0, client);
		String token = InfisicalTestFixtures.authentication(client, InfisicalTestFixtures.IDENTITY_ID)
			.login()
			.accessToken();
		byte[] body = ("{\"projectId\":\"" + PROJECT + "\",\"register\":[{\"event\":\"secret:update\","
				+ "\"conditions\":{\"environmentSlug\":\"dev\",\"secretPath\":\"/\"}}]}")
			.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < EventStreamSubscriptions.MAX_STREAMS_PER_PROJECT; i++) {
			this.closeables.add(0, EventStreamConnection.open(client, EventStreamSubscriptions.SUBSCRIBE_PATH, body,
					token, Duration.ofSeconds(5), 1024));
		}
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.events.enabled=true", "--infisical.secrets.refresh-interval=10m");
		assertThat(context.isRunning()).isTrue();
		assertThat(server.requests(EventStreams.SUBSCRIBE_PATH)).hasSize(6);
		assertThat(server.eventStreams().openCount()).isEqualTo(5);
		assertThat(count(output.getOut(), "Infisical allows 5 event streams per project and machine identity")).isOne();
		assertThat(output.getOut()).contains(" WARN ")
			.contains("Too many active connections for project project-1")
			.contains("Meanwhile no stream announces changes of these imports; polling finds them every 600 s "
					+ "(infisical.secrets.refresh-interval); it tries again every 5 minutes or so");
		assertThat(new InfisicalEndpoint(context.getEnvironment(), Clock.systemUTC()).imports().imports())
			.singleElement()
			.satisfies((imported) -> assertThat(imported.channels()).containsExactly("polling"));
		assertNoSecretIn(output);
	}

	@Test
	void trueStartsWhereTheServerOffersThem() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		run(server, "--spring.config.import=infisical:", "--infisical.secrets.events.enabled=true");
		// startup waited for the answer
		assertThat(server.eventStreams().openCount()).isOne();
	}

	@Test
	void falseOpensNoStream() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.events.enabled=false");
		assertThat(context.getBeanProvider(InfisicalEventStreams.class).getIfAvailable()).isNull();
		assertThat(server.requests(EventStreams.SUBSCRIBE_PATH)).isEmpty();
	}

	@Test
	void closingTheContextClosesTheStreamsAndLeavesNoThread() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:");
		eventually().until(() -> server.eventStreams().openCount() == 1);
		assertThat(threadsNamed("infisical-event")).isNotEmpty();
		context.close();
		eventually().until(() -> server.eventStreams().openCount() == 0);
		assertThat(threadsNamed("infisical-event")).isEmpty();
	}

	private static long reads(InfisicalTestServer server, String projectId) {
		return server.requests("/api/v4/secrets")
			.stream()
			.filter((request) -> projectId.equals(request.queryParameters().get("projectId")))
			.count();
	}

	private static List<Thread> threadsNamed(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith(prefix) && thread.isAlive())
			.toList();
	}

	private static int count(String text, String part) {
		Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static ConditionFactory eventually() {
		return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10));
	}

	private InfisicalTestServer server(Generation generation, EventPayload payload) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).eventPayload(payload).start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", DB_PASSWORD);
		return server;
	}

	private ConfigurableApplicationContext run(InfisicalTestServer server, String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		List<String> arguments = new ArrayList<>(List.of("--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=" + PROJECT,
				"--infisical.secrets.environment=dev", "--infisical.retry.initial-interval=50ms",
				"--infisical.retry.max-interval=200ms", "--infisical.retry.max-elapsed-time=1s",
				"--infisical.token.max-wait=500ms", "--spring.main.banner-mode=off"));
		arguments.addAll(List.of(args));
		// a later argument replaces an earlier one of the same name
		Map<String, String> byName = new LinkedHashMap<>();
		arguments.forEach((argument) -> byName.put(argument.substring(0, argument.indexOf('=')), argument));
		ConfigurableApplicationContext context = application.run(byName.values().toArray(String[]::new));
		this.closeables.add(0, context);
		return context;
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
	static class TestApplication {

		@Bean
		ChangeCounter changeCounter() {
			return new ChangeCounter();
		}

	}

	static class ChangeCounter implements SecretsChangeListener {

		private final AtomicInteger changes = new AtomicInteger();

		@Override
		public void secretsChanged(SecretLocation location, Set<String> names) {
			this.changes.incrementAndGet();
		}

	}

}
