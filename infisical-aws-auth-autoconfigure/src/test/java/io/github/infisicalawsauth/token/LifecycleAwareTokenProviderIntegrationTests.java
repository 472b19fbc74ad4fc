package io.github.infisicalawsauth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.VirtualTimeScheduler;
import io.github.infisicalawsauth.authentication.AwsIamAuthentication;
import io.github.infisicalawsauth.authentication.AwsIamAuthenticationOptions;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.regions.Region;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link LifecycleAwareTokenProvider} against the in-process
 * Infisical test server, on virtual time: the provider schedules on a
 * {@link VirtualTimeScheduler} whose clock the server shares (or is skewed from), so that
 * minutes of refreshes run in milliseconds.
 *
 * @author Infisical AWS Auth contributors
 */
class LifecycleAwareTokenProviderIntegrationTests {

	private static final String LOGIN = "/api/v1/auth/aws-auth/login";

	private static final String RENEW = "/api/v1/auth/token/renew";

	private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(
			Instant.now().truncatedTo(ChronoUnit.SECONDS));

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void startLogsInOnceAndServesTheSameToken() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		var started = provider.start();
		assertThat(started).isNotDone();
		this.scheduler.runDue();
		InfisicalAccessToken token = provider.getToken();
		assertThat(started).isCompletedWithValue(token);
		assertThat(provider.getToken()).isSameAs(token);
		assertThat(server.loginCount()).isOne();
		assertThat(server.isTokenActive(token.value())).isTrue();
	}

	@Test
	void refreshesBeforeExpiryByRenewing() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(60), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(10));
		InfisicalAccessToken first = provider.getToken();
		this.scheduler.advance(Duration.ofSeconds(48));
		assertThat(server.renewCount()).isZero();
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(server.renewCount()).isOne();
		InfisicalAccessToken renewed = provider.getToken();
		// current servers answer a renewal with a new JWT
		assertThat(renewed.value()).isNotEqualTo(first.value());
		assertThat(renewed.expiresAt()).isAfter(first.expiresAt());
		assertThat(server.isTokenActive(renewed.value())).isTrue();
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void keepsRenewingWhileMaxTtlAllows() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(4), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(1));
		for (int i = 0; i < 80; i++) {
			this.scheduler.advance(Duration.ofMillis(250));
			assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
		}
		assertThat(server.renewCount()).isBetween(8, 10);
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void shortTtlIsRenewedWithTheDefaultMarginAndReplacedAtTheMaxTtl() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(12), Duration.ofSeconds(36));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofMinutes(1));
		this.scheduler.advance(Duration.ofSeconds(20));
		assertThat(server.renewCount()).isEqualTo(2);
		assertThat(server.loginCount()).isOne();
		this.scheduler.advance(Duration.ofSeconds(8));
		// renewing past the max TTL would make the 2024 server delete the token
		assertThat(server.renewCount()).isEqualTo(2);
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void aFleetStartedTogetherSpreadsItsRefreshes() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(40), Duration.ofMinutes(10));
		List<LifecycleAwareTokenProvider> fleet = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			double draw = i / 10.0;
			fleet.add(track(builder(server, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock()).policy(
					TokenRefreshPolicy.builder().refreshBeforeExpiry(Duration.ofSeconds(8)).random(() -> draw).build())
				.build()));
		}
		fleet.forEach(LifecycleAwareTokenProvider::start);
		this.scheduler.runDue();
		this.scheduler.advance(Duration.ofSeconds(35));
		assertThat(server.renewCount()).isEqualTo(10);
		List<Instant> renewedAt = fleet.stream().map((provider) -> provider.getStatus().lastRefreshAt()).toList();
		// the margin is 8 s: refreshes fall over its first quarter, 2 s, not at one
		// instant
		assertThat(Duration.between(renewedAt.get(0), renewedAt.get(9))).isEqualTo(Duration.ofMillis(1800));
		assertThat(Set.copyOf(renewedAt)).hasSize(10);
	}

	@Test
	void refreshesByRenewingInPlaceOn2024Server() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(6), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(1));
		InfisicalAccessToken first = provider.getToken();
		this.scheduler.advance(Duration.ofSeconds(6));
		assertThat(server.renewCount()).isOne();
		// the 2024 server returns the same string and restarts the TTL window
		assertThat(provider.getToken().value()).isEqualTo(first.value());
		assertThat(provider.getToken().expiresAt()).isAfter(first.expiresAt());
		assertThat(server.isTokenActive(first.value())).isTrue();
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void fallsBackToLoginWhenRenewFails() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(6), Duration.ofMinutes(10));
		server.enqueueFaults(RENEW, Fault.status(500));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(1));
		InfisicalAccessToken first = provider.getToken();
		this.scheduler.advance(Duration.ofSeconds(6));
		assertThat(provider.getToken().value()).isNotEqualTo(first.value());
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(server.requests(RENEW)).hasSize(1);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void fallsBackToLoginWhenServerRefusesRenewal() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(6), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(1));
		InfisicalAccessToken first = provider.getToken();
		server.revokeAllTokens();
		this.scheduler.advance(Duration.ofSeconds(6));
		assertThat(provider.getToken().value()).isNotEqualTo(first.value());
		assertThat(server.requests(RENEW)).hasSize(1);
		assertThat(server.loginCount()).isEqualTo(2);
	}

	@Test
	void oneLoginForManyConcurrentFirstCallers() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.delay(Duration.ofMillis(200)));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		List<InfisicalAccessToken> tokens = callConcurrently(200, provider::getToken).stream()
			.map(LifecycleAwareTokenProviderIntegrationTests::value)
			.toList();
		assertThat(Set.copyOf(tokens)).hasSize(1);
		assertThat(server.loginCount()).isOne();
		assertThat(server.maxConcurrentRequests(LOGIN)).isOne();
	}

	@ParameterizedTest(name = "{0}, local clock {1} s off")
	@CsvSource({ "CURRENT, 6", "CURRENT, -6", "CURRENT, 600", "CURRENT, -600", "V2024, 6", "V2024, -6", "V2024, 600",
			"V2024, -600" })
	void aSkewedClockNeitherStormsNorHandsOutAnExpiredToken(Generation generation, long localClockAheadSeconds) {
		// the server's clock is the local one minus the skew: its iat and exp are off
		InfisicalTestServer server = server(generation,
				this.scheduler.offsetClock(Duration.ofSeconds(-localClockAheadSeconds)), Duration.ofSeconds(4),
				Duration.ofHours(1));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofMinutes(1));
		Duration run = Duration.ofSeconds(60);
		for (long step = 0; step < run.toMillis() / 100; step++) {
			this.scheduler.advance(Duration.ofMillis(100));
			InfisicalAccessToken token = provider.getToken();
			assertThat(server.isTokenActive(token.value())).as("token handed out at %s", this.scheduler.now()).isTrue();
		}
		int refreshes = server.loginCount() + server.renewCount();
		// at most two logins or renewals per TTL, and the login at the start
		assertThat(refreshes).isLessThanOrEqualTo(2 * 15 + 1).isGreaterThanOrEqualTo(15);
	}

	@Test
	void refreshesNeverComeCloserThanTheFloor() {
		// a TTL of 1 s gives a JWT of no life at all (exp and iat are whole seconds)
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(1), Duration.ofHours(1));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		provider.start();
		for (int i = 0; i < 100; i++) {
			this.scheduler.advance(Duration.ofMillis(100));
			try {
				provider.getToken(Duration.ZERO);
			}
			catch (InfisicalLoginException ex) {
				// dropped at once: asked again
			}
		}
		assertThat(server.loginCount() + server.renewCount()).isBetween(9, 11);
	}

	@Test
	void callersWaitAtMostTheirBoundWhileTheServerIsDownAndLoginsGoOneAtATime() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Clock.systemUTC(), Duration.ofHours(1),
				Duration.ofDays(1));
		// a down server behind a load balancer: slow 503s, so that logins sent at once
		// would overlap
		server.failAlways(LOGIN, Fault.status(503, Duration.ofMillis(100)));
		ThreadPoolTaskScheduler realScheduler = new ThreadPoolTaskScheduler();
		realScheduler.setPoolSize(2);
		realScheduler.initialize();
		this.closeables.add(realScheduler::shutdown);
		InfisicalHttpClient client = InfisicalTestFixtures.client(server);
		LifecycleAwareTokenProvider provider = track(LifecycleAwareTokenProvider
			.builder(authentication(client, InfisicalTestFixtures.IDENTITY_ID, Clock.systemUTC()), client)
			.taskScheduler(realScheduler)
			.maxWait(Duration.ofMillis(300))
			.policy(TokenRefreshPolicy.builder()
				.minRefreshInterval(Duration.ofMillis(20))
				.retry(RetryBackoff.builder()
					.initialInterval(Duration.ofMillis(20))
					.maxInterval(Duration.ofMillis(40))
					.build())
				.build())
			.build());
		List<Object> outcomes = callConcurrently(50, provider::getToken, () -> {
		});
		assertThat(outcomes).hasSize(50)
			.allSatisfy((outcome) -> assertThat(outcome).isInstanceOfSatisfying(InfisicalLoginException.class,
					(ex) -> assertThat(ex)
						.hasMessageStartingWith("Cannot log in to Infisical with AWS IAM: Service Unavailable")
						.hasMessageContaining("HTTP 503")
						.hasMessageContaining(" in 300 ms; logging in goes on in the background")));
		assertThat(server.maxConcurrentRequests(LOGIN)).isOne();
		int attempts = server.loginCount();
		assertThat(attempts).isGreaterThan(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.loginCount() > attempts + 2);
		server.clearFaults();
		await().atMost(Duration.ofSeconds(5)).until(() -> provider.getStatus().expiresAt() != null);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void keepsServingTheHeldTokenWhileRefreshFails() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(60), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(20));
		InfisicalAccessToken first = provider.getToken();
		server.failAlways(RENEW, Fault.status(503));
		server.failAlways(LOGIN, Fault.status(503));
		this.scheduler.advance(Duration.ofSeconds(50));
		assertThat(server.requests(LOGIN).size()).isGreaterThanOrEqualTo(4);
		assertThat(provider.getToken()).isSameAs(first);
		assertThat(provider.getStatus().failuresInARow()).isGreaterThanOrEqualTo(3);
		server.clearFaults();
		this.scheduler.advance(Duration.ofSeconds(20));
		assertThat(provider.getToken()).isNotEqualTo(first);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
		assertThat(provider.getStatus().failuresInARow()).isZero();
	}

	@Test
	void neverHandsOutAnExpiredTokenWhileRefreshesFail() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(10), Duration.ofMinutes(10));
		RecordingListener listener = new RecordingListener();
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(3));
		provider.addListener(listener);
		InfisicalAccessToken first = provider.getToken();
		server.failAlways(RENEW, Fault.status(503));
		server.failAlways(LOGIN, Fault.status(503));
		while (provider.getStatus().expiresAt() != null) {
			assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
			assertThat(this.scheduler.now()).isBefore(first.expiresAt());
			this.scheduler.advance(Duration.ofMillis(50));
		}
		// dropped before it expired, on the server's clock too
		assertThat(server.isTokenActive(first.value())).isTrue();
		assertThat(listener.events).contains("dropped " + first.expiresAt());
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(() -> provider.getToken(Duration.ZERO))
			.withMessageContaining("HTTP 503");
	}

	@Test
	void neverHandsOutATokenPastItsEndWhenTheHostWasSuspended() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(60), Duration.ofMinutes(10));
		RecordingListener listener = new RecordingListener();
		// callers do not wait for a login: the test runs the scheduler itself
		LifecycleAwareTokenProvider provider = track(
				builder(server, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock()).maxWait(Duration.ZERO)
					.build());
		provider.start();
		this.scheduler.runDue();
		provider.addListener(listener);
		InfisicalAccessToken first = provider.getToken();
		// its refresh and its drop were due meanwhile, and have not run
		this.scheduler.suspend(Duration.ofMinutes(5));
		assertThat(server.isTokenActive(first.value())).isFalse();
		// no token to hand out now: the caller's bound runs out while the login waits
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::getToken);
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(() -> provider.getToken(Duration.ZERO));
		assertThat(listener.events).contains("dropped " + first.expiresAt());
		this.scheduler.runDue();
		InfisicalAccessToken next = provider.getToken();
		assertThat(next.value()).isNotEqualTo(first.value());
		assertThat(server.isTokenActive(next.value())).isTrue();
		assertThat(next.expiresAt()).isAfter(this.scheduler.now());
	}

	@Test
	void retryHonoursRetryAfter() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.rateLimited(Duration.ofSeconds(30)));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		var started = provider.start();
		this.scheduler.advance(Duration.ofSeconds(29));
		// the backoff alone would have tried again after a second
		assertThat(server.requests(LOGIN)).hasSize(1);
		this.scheduler.advance(Duration.ofSeconds(2));
		assertThat(server.requests(LOGIN)).hasSize(2);
		assertThat(server.isTokenActive(value(started).value())).isTrue();
	}

	@Test
	void startRetriesTransientFailuresInTheBackgroundUntilItLogsIn() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.status(502), Fault.dropConnection(), Fault.status(500));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		var started = provider.start();
		this.scheduler.advance(Duration.ofSeconds(30));
		assertThat(server.requests(LOGIN)).hasSize(4);
		assertThat(server.isTokenActive(value(started).value())).isTrue();
	}

	@Test
	void aCallerGivesUpAfterItsBoundNamingTheLastFailureWhileRetriesGoOn() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.failAlways(LOGIN, Fault.status(503));
		LifecycleAwareTokenProvider provider = track(
				builder(server, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock())
					.maxWait(Duration.ofMillis(50))
					.build());
		provider.start();
		this.scheduler.advance(Duration.ofSeconds(10));
		int attempts = server.loginCount();
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::getToken)
			.withMessageStartingWith("Cannot log in to Infisical with AWS IAM:")
			.withMessageContaining("HTTP 503")
			.withMessageContaining("gave up waiting after " + attempts + " failed attempts in 50 ms")
			.satisfies((ex) -> assertThat(ex.isTransient()).isTrue())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.SERVER_ERROR));
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(server.loginCount()).isGreaterThan(attempts);
	}

	@Test
	void configurationErrorFailsAtOnceWithServerMessageAndRequestId() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = track(
				builder(server, "unknown-identity", this.scheduler.getClock()).maxWait(Duration.ofMillis(50)).build());
		var started = provider.start();
		this.scheduler.runDue();
		assertThat(failure(started)).isInstanceOfSatisfying(InfisicalLoginException.class, (ex) -> {
			assertThat(ex).hasMessageContaining("AWS auth method not found for identity, did you configure AWS auth?")
				.hasMessageContaining("HTTP 404")
				.hasMessageContaining("reqId req-");
			assertThat(ex.getApiException().getStatusCode()).isEqualTo(404);
			assertThat(ex.isTransient()).isFalse();
		});
		// not tried again on its own, and not before the backoff when asked
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(server.requests(LOGIN)).hasSize(1);
	}

	@Test
	void principalNotAllowedShowsServerMessage() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity("strict-identity").allowedPrincipalArns("arn:aws:iam::123456789012:role/billing");
		LifecycleAwareTokenProvider provider = track(
				builder(server, "strict-identity", this.scheduler.getClock()).build());
		var started = provider.start();
		this.scheduler.runDue();
		assertThat(failure(started)).hasMessageContaining("Access denied: AWS principal ARN not allowed.")
			.hasMessageContaining("HTTP 401");
	}

	@Test
	void malformedAnswerIsReportedNotRetried() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.malformedBody());
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		var started = provider.start();
		this.scheduler.advance(Duration.ofSeconds(30));
		assertThat(failure(started)).hasMessageContaining("not the expected JSON")
			.hasMessageContaining("infisical.site-url");
		assertThat(server.requests(LOGIN)).hasSize(1);
	}

	@Test
	void unreachableServerIsReportedWhileRetriesGoOn() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.stop();
		LifecycleAwareTokenProvider provider = track(
				builder(server, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock()).maxWait(Duration.ZERO)
					.build());
		provider.start();
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::getToken)
			.withMessageContaining("cannot reach Infisical at " + server.url() + "/api")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.SITE_UNREACHABLE));
		server.restart();
		this.scheduler.advance(Duration.ofSeconds(30));
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void rejectedTokenMakesNextCallLogInAgain() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		RecordingListener listener = new RecordingListener();
		LifecycleAwareTokenProvider provider = started(server, Duration.ofMinutes(1));
		provider.addListener(listener);
		InfisicalAccessToken first = provider.getToken();
		server.revokeAllTokens();
		provider.tokenRejected(first);
		provider.tokenRejected(first);
		InfisicalAccessToken second = drive(provider::getToken);
		assertThat(second.value()).isNotEqualTo(first.value());
		assertThat(server.loginCount()).isEqualTo(2);
		// a late report about the old token does not throw the new one away
		provider.tokenRejected(first);
		assertThat(provider.getToken()).isSameAs(second);
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(listener.events).containsExactly("loggedIn waited=true", "rejected", "loggedIn waited=true");
	}

	@Test
	void rejectionOfATokenRenewedInPlaceIsNotIgnored() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(6), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofSeconds(1));
		InfisicalAccessToken first = provider.getToken();
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(provider.getToken().expiresAt()).isAfter(first.expiresAt());
		// a caller still holding the object from before the renewal reports it
		server.revokeAllTokens();
		provider.tokenRejected(first);
		assertThat(drive(provider::getToken).value()).isNotEqualTo(first.value());
		assertThat(server.loginCount()).isEqualTo(2);
	}

	@Test
	void callersWaitingForALoginThatCannotWorkShareItsFailureAtOnce() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = track(
				builder(server, "unknown-identity", this.scheduler.getClock()).maxWait(Duration.ofSeconds(30)).build());
		List<Object> outcomes = callConcurrently(10, provider::getToken);
		assertThat(outcomes).hasSize(10)
			.allSatisfy((outcome) -> assertThat(outcome).isInstanceOf(InfisicalLoginException.class))
			.allSatisfy((outcome) -> assertThat(outcome).isSameAs(outcomes.get(0)));
		assertThat(server.requests(LOGIN)).hasSize(1);
		// within the backoff the failure is shared at once, without a request
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(() -> provider.getToken(Duration.ZERO))
			.isSameAs(outcomes.get(0));
		assertThat(server.requests(LOGIN)).hasSize(1);
	}

	@Test
	void aListenerThatBlocksHoldsUpNeitherRefreshesNorCallers() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(4), Duration.ofMinutes(10));
		// listeners on the provider's own event thread
		InfisicalHttpClient client = InfisicalTestFixtures.client(server);
		LifecycleAwareTokenProvider provider = track(LifecycleAwareTokenProvider
			.builder(authentication(client, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock()), client)
			.taskScheduler(this.scheduler)
			.build());
		CountDownLatch release = new CountDownLatch(1);
		List<String> heard = new CopyOnWriteArrayList<>();
		provider.addListener(new TokenLifecycleListener() {

			@Override
			public void loggedIn(Instant expiresAt, boolean callerWaited) {
				heard.add("loggedIn");
				try {
					// blocks for as long as the test wants: seconds, or forever
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}

			@Override
			public void refreshed(Instant expiresAt, boolean renewed) {
				heard.add("refreshed");
			}

		});
		provider.start();
		this.scheduler.runDue();
		await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("loggedIn"));
		for (int i = 0; i < 200; i++) {
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
		}
		// 20 s of 4 s tokens while the listener still blocks
		assertThat(server.renewCount()).isGreaterThanOrEqualTo(8);
		assertThat(heard).containsExactly("loggedIn");
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1 + server.renewCount());
		assertThat(heard.subList(1, heard.size())).containsOnly("refreshed");
	}

	@Test
	void eventsTellTheWholeStory() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(6), Duration.ofSeconds(13));
		RecordingListener listener = new RecordingListener();
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.addListener(listener);
		provider.start();
		this.scheduler.runDue();
		InfisicalAccessToken first = provider.getToken();
		// renewed at 5 s; at 10 s the max TTL leaves no room: a login in the background
		this.scheduler.advance(Duration.ofSeconds(11));
		Instant expiresAt = provider.getToken().expiresAt();
		server.failAlways(RENEW, Fault.status(503));
		server.failAlways(LOGIN, Fault.status(503));
		// the refresh at 15 s fails, the token is dropped at 15.4 s, retries go on
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(listener.events)
			.startsWith("loggedIn waited=true", "refreshed renewed=true", "loggedIn waited=false",
					"refreshed renewed=false", "failed SERVER_ERROR 1 transient keeping", "dropped " + expiresAt,
					"failed SERVER_ERROR 2 transient")
			.endsWith("failed SERVER_ERROR " + provider.getStatus().failuresInARow() + " transient");
		assertThat(listener.failures).allSatisfy((failure) -> assertThat(failure).hasMessageContaining("HTTP 503"));
		assertThat(first.expiresAt()).isBefore(expiresAt);
		server.clearFaults();
		server.revokeAllTokens();
		drive(provider::getToken);
		provider.tokenRejected(provider.getToken());
		assertThat(listener.events).endsWith("loggedIn waited=true", "rejected");
	}

	@Test
	void closeRevokesWhenConfiguredAndFailsWaitingCallers() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = track(
				builder(server, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock()).revokeOnClose(true)
					.build());
		provider.start();
		this.scheduler.runDue();
		InfisicalAccessToken token = provider.getToken();
		provider.close();
		assertThat(server.revokeCount()).isOne();
		assertThat(server.isTokenActive(token.value())).isFalse();
		assertThatIllegalStateException().isThrownBy(provider::getToken);
		LifecycleAwareTokenProvider notStarted = provider(server, Duration.ofMinutes(1));
		var started = notStarted.start();
		notStarted.close();
		assertThat(failure(started)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
	}

	@Test
	void closeDoesNotRevokeByDefault() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = started(server, Duration.ofMinutes(1));
		InfisicalAccessToken token = provider.getToken();
		provider.close();
		assertThat(server.revokeCount()).isZero();
		assertThat(server.isTokenActive(token.value())).isTrue();
	}

	@Test
	void loginRenewAndRevokeAreObservedWithLowCardinalityTags() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(6), Duration.ofMinutes(10));
		List<String> observed = new CopyOnWriteArrayList<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				observed.add(context.getName() + " "
						+ context.getLowCardinalityKeyValues()
							.stream()
							.map((keyValue) -> keyValue.getKey() + "=" + keyValue.getValue())
							.sorted()
							.toList());
			}

		});
		LifecycleAwareTokenProvider provider = track(
				builder(server, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock()).revokeOnClose(true)
					.build());
		provider.setObservationRegistry(registry);
		provider.start();
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(server.renewCount()).isOne();
		provider.close();
		assertThat(observed).contains(
				"infisical.requests [http.status.class=2xx, operation=login, outcome=SUCCESS, server.generation=unknown]",
				"infisical.requests [http.status.class=2xx, operation=token.renew, outcome=SUCCESS, "
						+ "server.generation=unknown]",
				"infisical.requests [http.status.class=2xx, operation=token.revoke, outcome=SUCCESS, "
						+ "server.generation=unknown]");
		assertThat(String.join(" ", observed)).doesNotContain("eyJ");
	}

	private InfisicalTestServer server(Generation generation, Duration ttl, Duration maxTtl) {
		return server(generation, this.scheduler.getClock(), ttl, maxTtl);
	}

	private InfisicalTestServer server(Generation generation, Clock clock, Duration ttl, Duration maxTtl) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).clock(clock).start();
		InfisicalTestFixtures.configure(server, ttl, maxTtl);
		this.closeables.add(server);
		return server;
	}

	// events delivered at once, on the thread that causes them: the test reads them
	// right after
	private LifecycleAwareTokenProvider.Builder builder(InfisicalTestServer server, String identityId,
			Clock signingClock) {
		InfisicalHttpClient client = InfisicalTestFixtures.client(server);
		return LifecycleAwareTokenProvider.builder(authentication(client, identityId, signingClock), client)
			.taskScheduler(this.scheduler)
			.eventExecutor(Runnable::run);
	}

	private static AwsIamAuthentication authentication(InfisicalHttpClient client, String identityId, Clock clock) {
		return new AwsIamAuthentication(AwsIamAuthenticationOptions.builder()
			.identityId(identityId)
			.credentialsProvider(InfisicalTestFixtures.credentials())
			.regionProvider(() -> Region.US_EAST_1)
			.verifyWithSts(false)
			.clock(clock)
			.build(), client);
	}

	private LifecycleAwareTokenProvider provider(InfisicalTestServer server, Duration refreshBeforeExpiry) {
		return track(builder(server, InfisicalTestFixtures.IDENTITY_ID, this.scheduler.getClock())
			.policy(TokenRefreshPolicy.builder().refreshBeforeExpiry(refreshBeforeExpiry).random(() -> 0).build())
			.build());
	}

	private LifecycleAwareTokenProvider started(InfisicalTestServer server, Duration refreshBeforeExpiry) {
		LifecycleAwareTokenProvider provider = provider(server, refreshBeforeExpiry);
		provider.start();
		this.scheduler.runDue();
		return provider;
	}

	private LifecycleAwareTokenProvider track(LifecycleAwareTokenProvider provider) {
		if (!this.closeables.contains(provider)) {
			this.closeables.add(0, provider);
		}
		return provider;
	}

	// calls on another thread while this one moves virtual time, which runs the login
	private <T> T drive(Callable<T> call) {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<T> result = executor.submit(call);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
				this.scheduler.advance(Duration.ofMillis(100));
				return result.isDone();
			});
			return result.get();
		}
		catch (InterruptedException | ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private <T> List<Object> callConcurrently(int callers, Callable<T> call) throws Exception {
		return callConcurrently(callers, call, () -> this.scheduler.advance(Duration.ofMillis(10)));
	}

	// what each caller got: a result or the exception it threw
	private <T> List<Object> callConcurrently(int callers, Callable<T> call, Runnable meanwhile) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<T>> results = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				results.add(executor.submit(() -> {
					go.await();
					return call.call();
				}));
			}
			go.countDown();
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
				meanwhile.run();
				return results.stream().allMatch(Future::isDone);
			});
			List<Object> outcomes = new ArrayList<>();
			for (Future<T> result : results) {
				try {
					outcomes.add(result.get());
				}
				catch (ExecutionException ex) {
					outcomes.add(ex.getCause());
				}
			}
			return outcomes;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static InfisicalAccessToken value(Object outcome) {
		if (outcome instanceof java.util.concurrent.CompletableFuture<?> future) {
			assertThat(future).isCompleted();
			return (InfisicalAccessToken) future.join();
		}
		assertThat(outcome).isInstanceOf(InfisicalAccessToken.class);
		return (InfisicalAccessToken) outcome;
	}

	private static Throwable failure(java.util.concurrent.CompletableFuture<?> future) {
		assertThat(future).isCompletedExceptionally();
		try {
			future.join();
			throw new AssertionError("not failed");
		}
		catch (java.util.concurrent.CompletionException ex) {
			return ex.getCause();
		}
		catch (java.util.concurrent.CancellationException ex) {
			return ex;
		}
	}

	/**
	 * Records what it hears, without tokens.
	 */
	static class RecordingListener implements TokenLifecycleListener {

		final List<String> events = new CopyOnWriteArrayList<>();

		final List<InfisicalLoginException> failures = new CopyOnWriteArrayList<>();

		@Override
		public void loggedIn(Instant expiresAt, boolean callerWaited) {
			this.events.add("loggedIn waited=" + callerWaited);
		}

		@Override
		public void refreshed(Instant expiresAt, boolean renewed) {
			this.events.add("refreshed renewed=" + renewed);
		}

		@Override
		public void refreshFailed(InfisicalLoginException failure, int failuresInARow, @Nullable Instant keepingUntil) {
			this.failures.add(failure);
			this.events.add("failed " + failure.getReason() + " " + failuresInARow
					+ (failure.isTransient() ? " transient" : "") + ((keepingUntil != null) ? " keeping" : ""));
		}

		@Override
		public void tokenDropped(Instant expiresAt) {
			this.events.add("dropped " + expiresAt);
		}

		@Override
		public void tokenRejected() {
			this.events.add("rejected");
		}

	}

}
