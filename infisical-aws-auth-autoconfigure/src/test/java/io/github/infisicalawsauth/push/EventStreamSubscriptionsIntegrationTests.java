package io.github.infisicalawsauth.push;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.VirtualTimeScheduler;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.push.EventStreamSubscriptions.State;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import io.github.infisicalawsauth.test.EventMatching;
import io.github.infisicalawsauth.test.EventPayload;
import io.github.infisicalawsauth.test.EventStreams;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link EventStreamSubscriptions} against the event streams of the
 * in-process Infisical test server, over HTTP. Waits run on a
 * {@link VirtualTimeScheduler}: backoff and silence take no real time; only the streams'
 * own threads are real.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class EventStreamSubscriptionsIntegrationTests {

	private static final String PROJECT = "project-1";

	private static final String SUBSCRIBE = EventStreams.SUBSCRIBE_PATH;

	private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(
			Instant.now().truncatedTo(ChronoUnit.SECONDS));

	private final RecordingNotices notices = new RecordingNotices();

	private final RecordingListener listener = new RecordingListener();

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void opensOneStreamPerProjectRegisteringTheImportsAndReadsEveryLocation() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"), location("prod", "/app"));
		startAndOpen(subscriptions);
		assertThat(server.requests(SUBSCRIBE)).singleElement().satisfies((request) -> {
			assertThat(request.header("Authorization")).startsWith("Bearer ");
			assertThat(JsonMapper.builder().build().readTree(request.body()).get("register")).hasSize(8);
		});
		assertThat(server.eventStreams().openCount()).isOne();
		// told right after the stream opened
		eventually().until(() -> this.notices.resynced.size() == 1);
		assertThat(this.notices.resynced).containsExactly(Set.of(location("dev", "/"), location("prod", "/app")));
		assertThat(this.notices.channels).containsEntry(location("dev", "/"), true)
			.containsEntry(location("prod", "/app"), true);
		assertThat(this.listener.opened).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(EventMatching.class)
	void registersEachImportedFolderExactlyWithItsEnvironmentWhateverHowTheServerMatches(EventMatching matching) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE, matching);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/app"),
				location("dev", "/app/backend"));
		startAndOpen(subscriptions);
		JsonNode register = JsonMapper.builder()
			.build()
			.readTree(server.requests(SUBSCRIBE).get(0).body())
			.get("register");
		assertThat(register).hasSize(8)
			.allSatisfy((registration) -> assertThat(registration.get("conditions").get("environmentSlug").asString())
				.isEqualTo("dev"));
		assertThat(register.findValuesAsString("secretPath")).containsOnly("/app", "/app/backend");
		// a glob matches only the folder it names: the folder below has a registration of
		// its own
		server.project(PROJECT).environment("dev").folder("/app/backend").secret("BACKEND", "1");
		eventually().until(() -> this.notices.changes.size() == 1);
		server.project(PROJECT).environment("dev").folder("/app").secret("APP", "1");
		eventually().until(() -> this.notices.changes.size() == 2);
		assertThat(this.notices.changes).containsOnly(PROJECT + "/dev");
	}

	@ParameterizedTest
	@EnumSource(EventMatching.class)
	void aRecursiveImportHearsOfTheFoldersBelowIt(EventMatching matching) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE, matching);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/app").withRecursive(true));
		startAndOpen(subscriptions);
		server.project(PROJECT).environment("dev").folder("/app/backend/db").secret("DB", "1");
		eventually().until(() -> this.notices.changes.size() == 1);
		server.project(PROJECT).environment("dev").folder("/app").secret("APP", "1");
		eventually().until(() -> this.notices.changes.size() == 2);
	}

	@ParameterizedTest
	@EnumSource(EventPayload.class)
	void aChangeOfAnImportedLocationIsReadAgainWhateverThePayloadShape(EventPayload payload) {
		InfisicalTestServer server = server(Generation.CURRENT, payload);
		server.project(PROJECT).environment("dev").folder("/app").importFrom("prod", "/shared");
		server.project(PROJECT).environment("prod").folder("/shared").secret("SHARED", "1");
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/app"));
		startAndOpen(subscriptions);
		server.project(PROJECT).environment("dev").folder("/app").secret("DB_URL", "jdbc:changed");
		eventually().until(() -> this.notices.changes.size() == 1);
		// an import mutation: the server code sends an object as payload
		server.project(PROJECT).environment("prod").folder("/shared").secret("SHARED", "2");
		eventually().until(() -> this.notices.changes.size() == 2);
		assertThat(this.notices.changes).containsOnly(PROJECT + "/dev");
		assertThat(this.notices.delays)
			.allSatisfy((delay) -> assertThat(delay).isBetween(Duration.ofMillis(250), Duration.ofSeconds(1)));
		assertThat(this.listener.accepted).hasValue(2);
	}

	@ParameterizedTest
	@EnumSource(EventMatching.class)
	void manyFoldersOfOneEnvironmentRegisterTheirCommonFolderAndHearOfChangesBelowIt(EventMatching matching) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE, matching);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/app/backend"),
				location("dev", "/app/frontend"), location("dev", "/app/jobs/nightly"));
		startAndOpen(subscriptions);
		assertThat(server.requests(SUBSCRIBE)).singleElement().satisfies((request) -> {
			JsonNode register = JsonMapper.builder().build().readTree(request.body()).get("register");
			assertThat(register).hasSize(8);
			assertThat(register.findValuesAsString("environmentSlug")).hasSize(8).containsOnly("dev");
			assertThat(register.findValuesAsString("secretPath")).containsOnly("/app", "/app/**");
		});
		// a prefix matches the folder and all below it, a glob needs both registrations
		server.project(PROJECT).environment("dev").folder("/other").secret("OUTSIDE", "1");
		server.project(PROJECT).environment("dev").folder("/app/jobs/nightly").secret("NIGHTLY", "1");
		server.project(PROJECT).environment("dev").folder("/app").secret("APP", "1");
		// not imported, but below the common folder: the environment's imports are read
		server.project(PROJECT).environment("dev").folder("/app/unused").secret("UNUSED", "1");
		// the stream carries a ping after them: once it is read, so are they
		this.scheduler.advance(Duration.ofSeconds(1));
		server.eventStreams().ping();
		eventually().until(() -> this.scheduler.now().equals(subscriptions.getLastReceived(PROJECT)));
		assertThat(this.notices.calls).containsExactly(PROJECT + "/dev", PROJECT + "/dev", PROJECT + "/dev");
		assertThat(this.listener.ignored).hasValue(0);
		assertThat(server.eventStreams().openCount()).isOne();
	}

	@ParameterizedTest
	@EnumSource(EventMatching.class)
	void foldersBeyondOneStreamTakeOneStreamPerEnvironmentAtMostAndHearOnlyTheirChanges(EventMatching matching) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE, matching);
		List<SecretLocation> dev = List.of(location("dev", "/app/a"), location("dev", "/app/b"),
				location("dev", "/app/c"));
		EventStreamSubscriptions subscriptions = subscriptions(server, dev.get(0), dev.get(1), dev.get(2),
				location("staging", "/"), location("prod", "/"));
		startAndOpen(subscriptions);
		// one stream per two folders would take three
		eventually().until(() -> server.eventStreams().openCount() == 2 && this.notices.resynced.size() == 2);
		// current servers match nothing for a registration without an environment
		assertThat(server.requests(SUBSCRIBE))
			.extracting((request) -> JsonMapper.builder().build().readTree(request.body()).get("register"))
			.allSatisfy((register) -> assertThat(register).allSatisfy(
					(registration) -> assertThat(registration.path("conditions").path("environmentSlug").asString(""))
						.isNotEmpty()))
			.extracting(JsonNode::size)
			.containsExactly(8, 8);
		assertThat(this.listener.opened).hasValue(2);
		assertThat(this.notices.resynced).containsExactlyInAnyOrder(Set.copyOf(dev),
				Set.of(location("staging", "/"), location("prod", "/")));
		server.project(PROJECT).environment("qa").secret("QA_ONLY", "1");
		server.project("project-2").environment("dev").secret("OTHER", "1");
		server.project(PROJECT).environment("prod").secret("PROD", "1");
		server.project(PROJECT).environment("staging").secret("STAGING", "1");
		server.project(PROJECT).environment("dev").folder("/app/b").secret("B", "1");
		eventually().until(() -> this.listener.accepted.get() == 3);
		assertThat(this.notices.calls).containsExactlyInAnyOrder(PROJECT + "/prod", PROJECT + "/staging",
				PROJECT + "/dev");
		// the project is open once all of its streams are
		assertThat(subscriptions.getStates()).containsOnlyKeys(PROJECT).containsEntry(PROJECT, State.OPEN);
		// opening set it to the same virtual time: only a later ping can move it
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(subscriptions.getLastReceived(PROJECT)).isBefore(this.scheduler.now());
		server.eventStreams().ping();
		eventually().until(() -> this.scheduler.now().equals(subscriptions.getLastReceived(PROJECT)));
	}

	@Test
	void aStreamThatOpensAgainReadsOnlyTheImportsItServes() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject("project-2");
		SecretLocation other = SecretLocation.of("project-2", "dev", "/");
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"), other);
		startAndOpen(subscriptions);
		eventually().until(() -> this.notices.resynced.size() == 2);
		server.eventStreams().dropAll(PROJECT);
		awaitState(subscriptions, State.WAITING);
		eventually().until(() -> Boolean.FALSE.equals(this.notices.channels.get(location("dev", "/"))));
		assertThat(this.notices.channels).containsEntry(other, true);
		this.scheduler.advance(Duration.ofSeconds(2));
		awaitState(subscriptions, State.OPEN);
		eventually().until(() -> this.notices.resynced.size() == 3);
		assertThat(this.notices.resynced).last().isEqualTo(Set.of(location("dev", "/")));
		assertThat(subscriptions.getStates()).containsEntry("project-2", State.OPEN);
	}

	@Test
	void pingsKeepAStreamAliveAndSilenceClosesItAndOpensItAgainReadingEveryLocation() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"));
		startAndOpen(subscriptions);
		this.scheduler.advance(Duration.ofSeconds(40));
		server.eventStreams().ping();
		eventually().until(() -> this.scheduler.now().equals(subscriptions.getLastReceived(PROJECT)));
		this.scheduler.advance(Duration.ofSeconds(59));
		assertThat(subscriptions.getStates()).containsEntry(PROJECT, State.OPEN);
		assertThat(server.requests(SUBSCRIBE)).hasSize(1);
		this.scheduler.advance(Duration.ofSeconds(1));
		awaitState(subscriptions, State.WAITING);
		eventually().until(() -> Boolean.FALSE.equals(this.notices.channels.get(location("dev", "/"))));
		eventually().until(() -> server.eventStreams().openCount() == 0);
		this.scheduler.advance(Duration.ofSeconds(2));
		awaitState(subscriptions, State.OPEN);
		assertThat(server.requests(SUBSCRIBE)).hasSize(2);
		eventually().until(() -> this.notices.resynced.size() == 2);
		assertThat(this.notices.channels).containsEntry(location("dev", "/"), true);
	}

	@Test
	void aDroppedStreamIsOpenedAgainWithBackoffThatStartsOverAfterAHealthyStream() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"));
		startAndOpen(subscriptions);
		server.eventStreams().dropAll();
		assertReopenedAfter(subscriptions, Duration.ofSeconds(2));
		// ended at once again: each opening reads every location, so the wait grows
		server.eventStreams().dropAll();
		assertReopenedAfter(subscriptions, Duration.ofSeconds(4));
		this.scheduler.advance(Duration.ofSeconds(30));
		server.eventStreams().ping();
		eventually().until(() -> this.scheduler.now().equals(subscriptions.getLastReceived(PROJECT)));
		this.scheduler.advance(Duration.ofSeconds(30));
		server.eventStreams().dropAll();
		assertReopenedAfter(subscriptions, Duration.ofSeconds(2));
		assertThat(server.requests(SUBSCRIBE)).hasSize(4);
		eventually().until(() -> this.notices.resynced.size() == 4);
		// a change after the reconnection is announced on the new stream
		server.project(PROJECT).environment("dev").secret("LATER", "1");
		eventually().until(() -> this.notices.changes.size() == 1);
	}

	// Infisical's own clients wait 2 seconds at least
	@ParameterizedTest
	@CsvSource({ "0, 2000", "0.999, 3998" })
	void theFirstWaitBeforeOpeningAgainIsTwoSecondsAtLeastWhateverTheJitter(double jitter, long wait) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server,
				EventStreamSubscriptions.defaultBackoff().random(() -> jitter).build(), location("dev", "/"));
		startAndOpen(subscriptions);
		server.eventStreams().dropAll();
		assertReopenedAfter(subscriptions, Duration.ofMillis(wait));
	}

	@Test
	void anErrorEventClosesTheStreamAndItIsOpenedAgain() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"));
		startAndOpen(subscriptions);
		server.eventStreams().sendErrorAndClose();
		assertReopenedAfter(subscriptions, Duration.ofSeconds(2));
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void aRejectedTokenIsReplacedByANewLoginBeforeTheNextAttempt() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"));
		startAndOpen(subscriptions);
		server.revokeAllTokens();
		server.eventStreams().dropAll();
		awaitState(subscriptions, State.WAITING);
		this.scheduler.advance(Duration.ofSeconds(2));
		awaitState(subscriptions, State.WAITING);
		assertThat(server.requests(SUBSCRIBE)).hasSize(2);
		assertThat(server.loginCount()).isOne();
		assertReopenedAfter(subscriptions, Duration.ofSeconds(4));
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(this.listener.refused).isEmpty();
	}

	@Test
	void serverErrorsAreRetriedWithBackoffAndAreNoRefusal() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		server.enqueueFaults(SUBSCRIBE, Fault.status(503), Fault.status(503));
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"));
		subscriptions.start();
		this.scheduler.runDue();
		awaitState(subscriptions, State.WAITING);
		assertThat(subscriptions.awaitFirstAnswers(Duration.ofSeconds(5))).isEmpty();
		this.scheduler.advance(Duration.ofSeconds(2));
		awaitState(subscriptions, State.WAITING);
		assertReopenedAfter(subscriptions, Duration.ofSeconds(4));
		assertThat(server.requests(SUBSCRIBE)).hasSize(3);
	}

	@ParameterizedTest
	@CsvSource({ "V2024, 0, 404", "CURRENT, 400, 400", "CURRENT, 402, 402", "CURRENT, 403, 403" })
	void aServerWithoutEventSubscriptionsIsNotAskedAgain(Generation generation, int refusal, int status) {
		InfisicalTestServer server = server(generation, EventPayload.SERVER_CODE);
		if (refusal != 0) {
			server.eventStreams().refuseSubscriptions(refusal);
		}
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"));
		subscriptions.start();
		this.scheduler.runDue();
		Map<String, InfisicalException> refusals = subscriptions.awaitFirstAnswers(Duration.ofSeconds(5));
		assertThat(refusals).hasEntrySatisfying(PROJECT,
				(reason) -> assertThat(reason).isInstanceOfSatisfying(InfisicalApiException.class,
						(api) -> assertThat(api.getStatusCode()).isEqualTo(status)));
		awaitState(subscriptions, State.REFUSED);
		assertThat(this.listener.refused).containsExactly(PROJECT);
		assertThat(this.notices.channels).containsEntry(location("dev", "/"), false);
		this.scheduler.advance(Duration.ofMinutes(10));
		assertThat(server.requests(SUBSCRIBE)).hasSize(1);
		assertThat(this.notices.resynced).isEmpty();
	}

	@Test
	void aSixthInstanceOfTheSameIdentityPollsUntilAStreamOfTheProjectFreesUp(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		// six instances of a fleet that share the identity; their streams stay open
		// without pings
		List<EventStreamSubscriptions> fleet = new ArrayList<>();
		List<RecordingNotices> notices = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			RecordingNotices instance = new RecordingNotices();
			instance.imported = List.of(location("dev", "/"));
			notices.add(instance);
			fleet.add(subscriptions(server, EventStreamSubscriptions.defaultBackoff().build(), instance,
					new RecordingListener(), Duration.ofHours(1)));
		}
		for (int i = 0; i < 5; i++) {
			startAndOpen(fleet.get(i));
		}
		assertThat(server.eventStreams().openCount()).isEqualTo(5);
		EventStreamSubscriptions sixth = fleet.get(5);
		Instant refusedAt = this.scheduler.now();
		sixth.start();
		this.scheduler.runDue();
		// not a refusal: infisical.secrets.events.enabled=true starts
		assertThat(sixth.awaitFirstAnswers(Duration.ofSeconds(5))).isEmpty();
		awaitState(sixth, State.WAITING);
		assertThat(server.requests(SUBSCRIBE)).hasSize(6);
		assertThat(notices.get(5).channels).doesNotContainValue(true);
		assertThat(this.scheduler.nextTaskAt()).isBetween(refusedAt.plus(Duration.ofMinutes(5)),
				refusedAt.plus(Duration.ofMinutes(6)));
		String warning = "Infisical allows 5 event streams per project and machine identity";
		// built without a refresh interval: nothing polls
		assertThat(output.getOut()).containsOnlyOnce(warning)
			.contains("Meanwhile no stream announces changes of these imports and, as "
					+ "infisical.secrets.refresh-interval is not set, no polling finds them: they are read when this "
					+ "instance takes a stream; it tries again every 5 minutes or so")
			.doesNotContain("polling finds them every");
		// tried again, quietly
		this.scheduler.advance(Duration.ofMinutes(6));
		eventually().until(() -> server.requests(SUBSCRIBE).size() == 7);
		awaitState(sixth, State.WAITING);
		assertThat(output.getOut()).containsOnlyOnce(warning);
		// an instance stops: its stream is taken at the next attempt
		fleet.get(0).stop();
		eventually().until(() -> server.eventStreams().openCount() == 4);
		this.scheduler.advance(Duration.ofMinutes(6));
		awaitState(sixth, State.OPEN);
		assertThat(server.eventStreams().openCount()).isEqualTo(5);
		eventually().until(() -> notices.get(5).resynced.size() == 1);
		assertThat(notices.get(5).channels).containsEntry(location("dev", "/"), true);
		assertThat(notices.get(5).resynced).containsExactly(Set.of(location("dev", "/")));
		assertThat(output.getOut()).containsOnlyOnce(warning);
	}

	@Test
	void stopClosesTheStreamsAndLeavesNoThread() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server, location("dev", "/"),
				SecretLocation.of("project-2", "dev", "/"));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject("project-2");
		subscriptions.start();
		this.scheduler.runDue();
		eventually().until(() -> server.eventStreams().openCount() == 2);
		subscriptions.stop();
		assertThat(this.threads).hasSize(2).noneMatch(Thread::isAlive);
		assertThat(subscriptions.getStates()).containsOnlyKeys(PROJECT, "project-2")
			.allSatisfy((project, state) -> assertThat(state).isEqualTo(State.STOPPED));
		eventually().until(() -> server.eventStreams().openCount() == 0);
		this.scheduler.advance(Duration.ofMinutes(10));
		assertThat(server.requests(SUBSCRIBE)).hasSize(2);
	}

	@Test
	void anApplicationThatImportsNothingOpensNoStream() {
		InfisicalTestServer server = server(Generation.CURRENT, EventPayload.SERVER_CODE);
		EventStreamSubscriptions subscriptions = subscriptions(server);
		subscriptions.start();
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(subscriptions.getStates()).isEmpty();
		assertThat(subscriptions.awaitFirstAnswers(Duration.ofSeconds(1))).isEmpty();
		assertThat(server.requests(SUBSCRIBE)).isEmpty();
	}

	private void assertReopenedAfter(EventStreamSubscriptions subscriptions, Duration wait) {
		awaitState(subscriptions, State.WAITING);
		assertThat(this.scheduler.nextTaskAt()).isEqualTo(this.scheduler.now().plus(wait));
		this.scheduler.advance(wait.minusMillis(1));
		assertThat(subscriptions.getStates()).containsEntry(PROJECT, State.WAITING);
		this.scheduler.advance(Duration.ofMillis(1));
		awaitState(subscriptions, State.OPEN);
	}

	private void startAndOpen(EventStreamSubscriptions subscriptions) {
		subscriptions.start();
		this.scheduler.runDue();
		awaitState(subscriptions, State.OPEN);
	}

	private static void awaitState(EventStreamSubscriptions subscriptions, State state) {
		eventually().until(() -> subscriptions.getStates().get(PROJECT) == state);
	}

	private static ConditionFactory eventually() {
		return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5));
	}

	private InfisicalTestServer server(Generation generation, EventPayload payload) {
		return server(generation, payload, EventMatching.GLOB);
	}

	private InfisicalTestServer server(Generation generation, EventPayload payload, EventMatching matching) {
		// pings only when a test sends them
		InfisicalTestServer server = InfisicalTestServer.builder()
			.generation(generation)
			.eventPayload(payload)
			.eventMatching(matching)
			.eventPingInterval(Duration.ofHours(1))
			.start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		server.project(PROJECT).environment("dev").secret("A", "1");
		return server;
	}

	private EventStreamSubscriptions subscriptions(InfisicalTestServer server, SecretLocation... imported) {
		// the default with its lowest jitter: waits are exact
		return subscriptions(server, EventStreamSubscriptions.defaultBackoff().random(() -> 0).build(), imported);
	}

	private EventStreamSubscriptions subscriptions(InfisicalTestServer server, RetryBackoff backoff,
			SecretLocation... imported) {
		this.notices.imported = List.of(imported);
		return subscriptions(server, backoff, this.notices, this.listener, Duration.ofSeconds(60));
	}

	private EventStreamSubscriptions subscriptions(InfisicalTestServer server, RetryBackoff backoff,
			RecordingNotices notices, RecordingListener listener, Duration idleTimeout) {
		InfisicalHttpClient client = new InfisicalHttpClient(InfisicalSiteUrl.of(server.url(), false),
				HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(5),
				InfisicalHttpClient.DEFAULT_MAX_RESPONSE_SIZE);
		// the provider logs in on a scheduler of its own, in real time
		ThreadPoolTaskScheduler tokenScheduler = new ThreadPoolTaskScheduler();
		tokenScheduler.setDaemon(true);
		tokenScheduler.initialize();
		LifecycleAwareTokenProvider tokenProvider = InfisicalTestFixtures.provider(server, Duration.ofMinutes(1))
			.taskScheduler(tokenScheduler)
			.build();
		AtomicInteger count = new AtomicInteger();
		ThreadFactory threadFactory = (task) -> {
			Thread thread = new Thread(task, "test-event-stream-" + count.incrementAndGet());
			thread.setDaemon(true);
			this.threads.add(thread);
			return thread;
		};
		EventStreamSubscriptions subscriptions = EventStreamSubscriptions
			.builder(client, tokenProvider, notices, this.scheduler)
			.backoff(backoff)
			.idleTimeout(idleTimeout)
			.threadFactory(threadFactory)
			.listener(listener)
			.build();
		// closed before the server
		this.closeables.add(0, tokenScheduler::shutdown);
		this.closeables.add(0, tokenProvider);
		this.closeables.add(0, client);
		this.closeables.add(0, subscriptions::stop);
		return subscriptions;
	}

	private static SecretLocation location(String environment, String path) {
		return SecretLocation.of(PROJECT, environment, path);
	}

	/**
	 * Records what the streams report instead of reading.
	 */
	static final class RecordingNotices implements SecretsChangeNotices {

		volatile List<SecretLocation> imported = List.of();

		final List<String> calls = new CopyOnWriteArrayList<>();

		final List<String> changes = new CopyOnWriteArrayList<>();

		final List<Duration> delays = new CopyOnWriteArrayList<>();

		final List<Set<SecretLocation>> resynced = new CopyOnWriteArrayList<>();

		final Map<SecretLocation, Boolean> channels = new ConcurrentHashMap<>();

		@Override
		public Set<SecretLocation> importedLocations() {
			return new LinkedHashSet<>(this.imported);
		}

		@Override
		public boolean changed(String channel, String projectId, String environment, Duration delay) {
			assertThat(channel).isEqualTo("stream");
			this.calls.add(projectId + "/" + environment);
			this.delays.add(delay);
			boolean imported = isImported(projectId, environment);
			if (imported) {
				this.changes.add(projectId + "/" + environment);
			}
			return imported;
		}

		@Override
		public void channel(String channel, Collection<SecretLocation> locations, boolean active) {
			assertThat(channel).isEqualTo("stream");
			locations.forEach((location) -> this.channels.put(location, active));
		}

		@Override
		public void resync(String channel, Collection<SecretLocation> locations) {
			assertThat(channel).isEqualTo("stream");
			this.resynced.add(Set.copyOf(locations));
		}

	}

	/**
	 * Records what the listener hears.
	 */
	static final class RecordingListener implements EventStreamSubscriptions.Listener {

		final AtomicInteger opened = new AtomicInteger();

		final AtomicInteger accepted = new AtomicInteger();

		final AtomicInteger ignored = new AtomicInteger();

		final List<String> refused = new CopyOnWriteArrayList<>();

		@Override
		public void opened(String projectId) {
			this.opened.incrementAndGet();
		}

		@Override
		public void refused(String projectId, InfisicalException reason) {
			this.refused.add(projectId);
		}

		@Override
		public void notice(String projectId, boolean accepted) {
			(accepted ? this.accepted : this.ignored).incrementAndGet();
		}

	}

}
