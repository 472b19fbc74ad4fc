package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.RetryPolicy;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link LifecycleAwareTokenProvider} against the in-process
 * Infisical test server.
 *
 * @author Infisical AWS Auth contributors
 */
class LifecycleAwareTokenProviderIntegrationTests {

	private static final String LOGIN = "/api/v1/auth/aws-auth/login";

	private static final String RENEW = "/api/v1/auth/token/renew";

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
		provider.start();
		InfisicalAccessToken token = provider.getToken();
		assertThat(provider.getToken()).isSameAs(token);
		assertThat(server.loginCount()).isOne();
		assertThat(server.isTokenActive(token.value())).isTrue();
	}

	@Test
	void refreshesBeforeExpiryByRenewing() {
		// a TTL of whole seconds well above the refresh margin: the JWT's exp has
		// seconds
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(4), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.renewCount() >= 1);
		await().atMost(Duration.ofSeconds(2)).until(() -> !provider.getToken().equals(first));
		InfisicalAccessToken renewed = provider.getToken();
		// current servers answer a renewal with a new JWT
		assertThat(renewed.value()).isNotEqualTo(first.value());
		assertThat(renewed.expiresAt()).isAfter(first.expiresAt());
		assertThat(server.isTokenActive(renewed.value())).isTrue();
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void keepsRenewingWhileMaxTtlAllows() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(2), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.start();
		await().atMost(Duration.ofSeconds(6)).until(() -> server.renewCount() >= 3);
		assertThat(server.loginCount()).isOne();
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void shortTtlIsRenewedWithTheDefaultMargin() {
		// TTL 10 s / max TTL 30 s with the default 1 minute margin: renew at 5 s and
		// 10 s
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(10), Duration.ofSeconds(30));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		provider.start();
		await().atMost(Duration.ofSeconds(15)).until(() -> server.renewCount() >= 2);
		assertThat(server.loginCount()).isOne();
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void aFleetStartedTogetherSpreadsItsRefreshes() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(4), Duration.ofMinutes(10));
		List<LifecycleAwareTokenProvider> fleet = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			fleet.add(provider(server, Duration.ofSeconds(2)));
		}
		fleet.forEach(LifecycleAwareTokenProvider::start);
		List<Instant> firstExpiries = fleet.stream().map((provider) -> provider.getToken().expiresAt()).toList();
		Map<Integer, Long> renewedAt = new ConcurrentHashMap<>();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
			for (int i = 0; i < fleet.size(); i++) {
				if (!fleet.get(i).getToken().expiresAt().equals(firstExpiries.get(i))) {
					renewedAt.putIfAbsent(i, System.nanoTime());
				}
			}
			return renewedAt.size() == fleet.size();
		});
		// refreshes fall anywhere in the last quarter of the 2 s margin, not at one
		// instant
		long spread = Collections.max(renewedAt.values()) - Collections.min(renewedAt.values());
		assertThat(Duration.ofNanos(spread)).isGreaterThan(Duration.ofMillis(100));
		assertThat(server.renewCount()).isEqualTo(10);
	}

	@Test
	void refreshesByRenewingInPlaceOn2024Server() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(2), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.renewCount() >= 1);
		await().atMost(Duration.ofSeconds(2)).until(() -> provider.getToken().expiresAt().isAfter(first.expiresAt()));
		// the 2024 server returns the same string and restarts the TTL window
		assertThat(provider.getToken().value()).isEqualTo(first.value());
		assertThat(server.isTokenActive(first.value())).isTrue();
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void logsInAgainInsteadOfRenewingPastMaxTtl() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(2), Duration.ofSeconds(3));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		await().atMost(Duration.ofSeconds(5)).until(() -> !provider.getToken().value().equals(first.value()));
		// a renewal would have made the 2024 server delete the still-valid token
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(server.renewCount()).isZero();
		assertThat(server.requests(RENEW)).isEmpty();
	}

	@Test
	void fallsBackToLoginWhenRenewFails() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(2), Duration.ofMinutes(10));
		server.enqueueFaults(RENEW, Fault.status(500));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		await().atMost(Duration.ofSeconds(5)).until(() -> !provider.getToken().value().equals(first.value()));
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(server.requests(RENEW)).hasSize(1);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void fallsBackToLoginWhenServerRefusesRenewal() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(2), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		server.revokeAllTokens();
		await().atMost(Duration.ofSeconds(5)).until(() -> !provider.getToken().value().equals(first.value()));
		assertThat(server.requests(RENEW)).isNotEmpty();
		assertThat(server.loginCount()).isEqualTo(2);
	}

	@Test
	void oneLoginForManyConcurrentFirstCallers() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.delay(Duration.ofMillis(300)));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		ExecutorService executor = Executors.newFixedThreadPool(200);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<InfisicalAccessToken>> results = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				results.add(executor.submit(() -> {
					go.await();
					return provider.getToken();
				}));
			}
			go.countDown();
			Set<String> tokens = ConcurrentHashMap.newKeySet();
			for (Future<InfisicalAccessToken> result : results) {
				tokens.add(result.get(10, TimeUnit.SECONDS).value());
			}
			assertThat(tokens).hasSize(1);
			assertThat(server.loginCount()).isOne();
			assertThat(server.requests(LOGIN)).hasSize(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void keepsServingTheHeldTokenWhileRefreshFails() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(4), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(2));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		server.failAlways(RENEW, Fault.status(503));
		server.failAlways(LOGIN, Fault.status(503));
		// refresh starts after 2 s; wait for a few failed rounds, all before expiry
		// at 4 s
		await().atMost(Duration.ofSeconds(4)).until(() -> server.requests(LOGIN).size() >= 3);
		assertThat(first.expiresAt()).isAfter(java.time.Instant.now());
		assertThat(provider.getToken()).isSameAs(first);
		server.clearFaults();
		await().atMost(Duration.ofSeconds(3)).until(() -> !provider.getToken().equals(first));
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void neverHandsOutAnExpiredTokenWhileRefreshesFail() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(3), Duration.ofMinutes(10));
		InfisicalHttpClient client = InfisicalTestFixtures.client(server);
		LifecycleAwareTokenProvider provider = track(LifecycleAwareTokenProvider
			.builder(InfisicalTestFixtures.authentication(client, InfisicalTestFixtures.IDENTITY_ID), client)
			.policy(TokenRefreshPolicy.builder()
				.retry(RetryPolicy.builder()
					.initialInterval(Duration.ofMillis(20))
					.maxInterval(Duration.ofMillis(50))
					.maxElapsed(Duration.ofMillis(100))
					.build())
				.build())
			.build());
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		server.failAlways(RENEW, Fault.status(503));
		server.failAlways(LOGIN, Fault.status(503));
		Instant until = first.expiresAt().plusMillis(500);
		List<String> expiredHandedOut = new CopyOnWriteArrayList<>();
		Set<String> outcomes = ConcurrentHashMap.newKeySet();
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			List<Future<?>> readers = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				readers.add(executor.submit(() -> {
					while (Instant.now().isBefore(until)) {
						try {
							InfisicalAccessToken token = provider.getToken();
							Instant after = Instant.now();
							if (!after.isBefore(token.expiresAt())) {
								expiredHandedOut.add("expired at " + token.expiresAt() + ", handed out at " + after);
							}
							outcomes.add("token");
						}
						catch (InfisicalLoginException ex) {
							outcomes.add("login failed");
						}
					}
				}));
			}
			for (Future<?> reader : readers) {
				reader.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(expiredHandedOut).isEmpty();
		// the held token was served, then dropped before it expired
		assertThat(outcomes).containsExactlyInAnyOrder("token", "login failed");
		assertThat(provider.getStatus().expiresAt()).isNull();
	}

	@Test
	void retryHonoursRetryAfter() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.rateLimited(Duration.ofSeconds(1)));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		long started = System.nanoTime();
		provider.start();
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		// the policy alone would have waited 10 to 20 ms
		assertThat(elapsedMillis).isGreaterThanOrEqualTo(1000);
		assertThat(server.requests(LOGIN)).hasSize(2);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void retriesTransientFailuresThenSucceeds() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.status(502), Fault.dropConnection(), Fault.status(500));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		provider.start();
		assertThat(server.requests(LOGIN)).hasSize(4);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
	}

	@Test
	void givesUpWithinTheTimeBudget() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.failAlways(LOGIN, Fault.status(503));
		LifecycleAwareTokenProvider provider = quickProvider(server, InfisicalTestFixtures.IDENTITY_ID,
				Duration.ofSeconds(2));
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::start)
			.withMessageStartingWith("Cannot log in to Infisical with AWS IAM:")
			.withMessageContaining("HTTP 503")
			.withMessageContaining("gave up after")
			.satisfies((ex) -> assertThat(ex.isTransient()).isTrue());
		assertThat(server.requests(LOGIN).size()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void configurationErrorFailsAtOnceWithServerMessageAndRequestId() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = quickProvider(server, "unknown-identity", Duration.ofSeconds(1));
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::start)
			.withMessageContaining("AWS auth method not found for identity, did you configure AWS auth?")
			.withMessageContaining("HTTP 404")
			.withMessageContaining("reqId req-")
			.satisfies((ex) -> assertThat(ex.getApiException().getStatusCode()).isEqualTo(404));
		assertThat(server.requests(LOGIN)).hasSize(1);
	}

	@Test
	void principalNotAllowedShowsServerMessage() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity("strict-identity").allowedPrincipalArns("arn:aws:iam::123456789012:role/billing");
		LifecycleAwareTokenProvider provider = quickProvider(server, "strict-identity", Duration.ofSeconds(1));
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::start)
			.withMessageContaining("Access denied: AWS principal ARN not allowed.")
			.withMessageContaining("HTTP 401");
	}

	@Test
	void malformedAnswerIsReportedNotRetried() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.malformedBody());
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::start)
			.withMessageContaining("not the expected JSON")
			.withMessageContaining("infisical.site-url");
		assertThat(server.requests(LOGIN)).hasSize(1);
	}

	@Test
	void unreachableServerIsReportedAfterRetries() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.stop();
		LifecycleAwareTokenProvider provider = quickProvider(server, InfisicalTestFixtures.IDENTITY_ID,
				Duration.ofMillis(200));
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::start)
			.withMessageContaining("cannot reach Infisical at " + server.url() + "/api");
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(provider::getToken);
	}

	@Test
	void withoutFailFastStartsAndLogsInInTheBackground() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.enqueueFaults(LOGIN, Fault.status(404));
		LifecycleAwareTokenProvider provider = track(
				InfisicalTestFixtures.provider(server, Duration.ofMinutes(1)).failFast(false).build());
		provider.start();
		assertThat(server.loginCount()).isOne();
		// the failed attempt and one background retry, without a caller asking
		await().atMost(Duration.ofSeconds(3)).until(() -> server.loginCount() == 2);
		assertThat(server.isTokenActive(provider.getToken().value())).isTrue();
		assertThat(server.loginCount()).isEqualTo(2);
	}

	@Test
	void rejectedTokenMakesNextCallLogInAgain() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofMinutes(1));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		server.revokeAllTokens();
		provider.tokenRejected(first);
		provider.tokenRejected(first);
		InfisicalAccessToken second = provider.getToken();
		assertThat(second.value()).isNotEqualTo(first.value());
		assertThat(server.loginCount()).isEqualTo(2);
		// a late report about the old token does not throw the new one away
		provider.tokenRejected(first);
		assertThat(provider.getToken()).isSameAs(second);
		assertThat(server.loginCount()).isEqualTo(2);
	}

	@Test
	void rejectionOfATokenRenewedInPlaceIsNotIgnored() {
		InfisicalTestServer server = server(Generation.V2024, Duration.ofSeconds(2), Duration.ofMinutes(10));
		LifecycleAwareTokenProvider provider = provider(server, Duration.ofSeconds(1));
		provider.start();
		InfisicalAccessToken first = provider.getToken();
		await().atMost(Duration.ofSeconds(5)).until(() -> provider.getToken().expiresAt().isAfter(first.expiresAt()));
		// a caller still holding the object from before the renewal reports it
		server.revokeAllTokens();
		provider.tokenRejected(first);
		assertThat(provider.getToken().value()).isNotEqualTo(first.value());
		assertThat(server.loginCount()).isEqualTo(2);
	}

	@Test
	void callersWaitingForAFailedLoginShareItsFailure() throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		server.failAlways(LOGIN, Fault.status(503));
		LifecycleAwareTokenProvider provider = quickProvider(server, InfisicalTestFixtures.IDENTITY_ID,
				Duration.ofMillis(500));
		ExecutorService executor = Executors.newFixedThreadPool(10);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<?>> results = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				results.add(executor.submit(() -> {
					go.await();
					return provider.getToken();
				}));
			}
			long started = System.nanoTime();
			go.countDown();
			for (Future<?> result : results) {
				assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
					.isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
					.withCauseInstanceOf(InfisicalLoginException.class);
			}
			// one time budget for all of them, not one each (10 x 500 ms)
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2000);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void closeRevokesWhenConfigured() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = InfisicalTestFixtures.provider(server, Duration.ofMinutes(1))
			.revokeOnClose(true)
			.build();
		provider.start();
		InfisicalAccessToken token = provider.getToken();
		provider.close();
		assertThat(server.revokeCount()).isOne();
		assertThat(server.isTokenActive(token.value())).isFalse();
		assertThatIllegalStateException().isThrownBy(provider::getToken);
	}

	@Test
	void loginRenewAndRevokeAreObservedWithLowCardinalityTags() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofSeconds(2), Duration.ofMinutes(10));
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
				InfisicalTestFixtures.provider(server, Duration.ofSeconds(1)).revokeOnClose(true).build());
		provider.setObservationRegistry(registry);
		provider.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.renewCount() >= 1);
		provider.close();
		assertThat(observed).contains(
				"infisical.requests [http.status.class=2xx, operation=login, outcome=SUCCESS, server.generation=unknown]",
				"infisical.requests [http.status.class=2xx, operation=token.renew, outcome=SUCCESS, "
						+ "server.generation=unknown]",
				"infisical.requests [http.status.class=2xx, operation=token.revoke, outcome=SUCCESS, "
						+ "server.generation=unknown]");
		assertThat(String.join(" ", observed)).doesNotContain("eyJ");
	}

	@Test
	void closeDoesNotRevokeByDefault() {
		InfisicalTestServer server = server(Generation.CURRENT, Duration.ofHours(1), Duration.ofDays(1));
		LifecycleAwareTokenProvider provider = InfisicalTestFixtures.provider(server, Duration.ofMinutes(1)).build();
		provider.start();
		InfisicalAccessToken token = provider.getToken();
		provider.close();
		assertThat(server.revokeCount()).isZero();
		assertThat(server.isTokenActive(token.value())).isTrue();
	}

	private InfisicalTestServer server(Generation generation, Duration ttl, Duration maxTtl) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).start();
		InfisicalTestFixtures.configure(server, ttl, maxTtl);
		this.closeables.add(server);
		return server;
	}

	private LifecycleAwareTokenProvider provider(InfisicalTestServer server, Duration refreshBeforeExpiry) {
		return track(InfisicalTestFixtures.provider(server, refreshBeforeExpiry).build());
	}

	private LifecycleAwareTokenProvider track(LifecycleAwareTokenProvider provider) {
		this.closeables.add(0, provider);
		return provider;
	}

	// short waits and an explicit time budget, for tests of failing logins
	private LifecycleAwareTokenProvider quickProvider(InfisicalTestServer server, String identityId,
			Duration maxElapsed) {
		InfisicalHttpClient client = InfisicalTestFixtures.client(server);
		return track(
				LifecycleAwareTokenProvider.builder(InfisicalTestFixtures.authentication(client, identityId), client)
					.policy(TokenRefreshPolicy.builder()
						.retry(RetryPolicy.builder()
							.initialInterval(Duration.ofMillis(20))
							.maxInterval(Duration.ofMillis(50))
							.maxElapsed(maxElapsed)
							.build())
						.build())
					.build());
	}

}
