package io.github.infisicalawsauth.token;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.benchmarks.BenchmarkFixtures;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.authentication.ClientAuthentication;
import org.springframework.vault.authentication.LifecycleAwareSessionManager;
import org.springframework.vault.authentication.LifecycleAwareSessionManagerSupport.RefreshTrigger;
import org.springframework.vault.authentication.LoginToken;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.client.RestTemplate;

/**
 * {@link LifecycleAwareTokenProvider#getToken()} against its baseline, Spring Vault's
 * {@link LifecycleAwareSessionManager#getSessionToken()}, both holding a valid token. The
 * thread count comes from the command line ({@code -t 1}, {@code -t 2}, {@code -t 8}),
 * allocation from {@code -prof gc}.
 * <p>
 * {@code state=held}: nothing else happens. {@code state=refreshing}: a refresh is in
 * flight during every iteration. Our provider's identity has a {@value #TTL_SECONDS} s
 * TTL, so it renews half-way (after 9 to 12 s); the test server holds that renewal for
 * {@value #RENEW_DELAY_SECONDS} s ({@link Fault#delay}), and the set-up waits until it
 * has arrived, which leaves at least 11 s for the 8 one-second iterations before the
 * provider drops the token a second before its expiry (the tear-down fails the trial if
 * it did). Spring Vault's manager gets a renewable token with a refresh trigger that
 * fires at once and a {@link RestTemplate} whose request blocks until the tear-down: no
 * HTTP.
 *
 * @author Infisical AWS Auth contributors
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenProviderBenchmark {

	static final int TTL_SECONDS = 24;

	static final int RENEW_DELAY_SECONDS = 120;

	private static final String RENEW_PATH = "/api/v1/auth/token/renew";

	@Param({ "held", "refreshing" })
	public String state;

	private InfisicalTestServer server;

	private LifecycleAwareTokenProvider provider;

	private InfisicalAccessToken heldToken;

	private Instant heldUntil;

	private ThreadPoolTaskScheduler scheduler;

	private LifecycleAwareSessionManager sessionManager;

	private final CountDownLatch vaultRenewStarted = new CountDownLatch(1);

	private final CountDownLatch vaultRenewReleased = new CountDownLatch(1);

	@Setup(Level.Trial)
	public void start() throws InterruptedException {
		boolean refreshing = "refreshing".equals(this.state);
		this.server = InfisicalTestServer.start();
		BenchmarkFixtures.configure(this.server, refreshing ? Duration.ofSeconds(TTL_SECONDS) : Duration.ofHours(1),
				Duration.ofDays(1));
		if (refreshing) {
			this.server.failAlways(RENEW_PATH, Fault.delay(Duration.ofSeconds(RENEW_DELAY_SECONDS)));
		}
		InfisicalHttpClient client = BenchmarkFixtures.client(this.server);
		this.provider = BenchmarkFixtures
			.provider(client, refreshing ? Duration.ofSeconds(TTL_SECONDS / 2) : Duration.ofMinutes(1))
			.build();
		Instant loginAt = Instant.now();
		this.provider.getToken(java.time.Duration.ofSeconds(30));
		this.heldToken = this.provider.getToken();
		this.heldUntil = loginAt.plusSeconds(refreshing ? TTL_SECONDS : 3600);
		startSessionManager(refreshing);
		if (refreshing) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TTL_SECONDS);
			while (this.server.renewCount() == 0 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			check(this.server.renewCount() == 1, "our provider's renewal did not start");
			check(this.vaultRenewStarted.await(10, TimeUnit.SECONDS), "Spring Vault's renewal did not start");
		}
	}

	private void startSessionManager(boolean refreshing) {
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
		ClientAuthentication authentication = () -> LoginToken.renewable("vault-token".toCharArray(),
				Duration.ofHours(1));
		RestTemplate restTemplate = new RestTemplate(new BlockingRequestFactory());
		this.sessionManager = refreshing
				? new LifecycleAwareSessionManager(authentication, this.scheduler, restTemplate, new RefreshNow())
				: new LifecycleAwareSessionManager(authentication, this.scheduler, restTemplate);
		this.sessionManager.getSessionToken();
	}

	@TearDown(Level.Trial)
	public void stop() throws Exception {
		try {
			if ("refreshing".equals(this.state)) {
				// the figures only count if both refreshes were still in flight and our
				// token still valid
				check(Instant.now().isBefore(this.heldUntil),
						"the token expired during the measurement; shorten the iterations");
				check(this.vaultRenewReleased.getCount() == 1, "Spring Vault's renewal ended early");
			}
			check(this.provider.getToken() == this.heldToken, "the provider changed its token during the measurement");
		}
		finally {
			this.vaultRenewReleased.countDown();
			this.sessionManager.destroy();
			this.scheduler.shutdown();
			// first the server, which ends the held renewal, so that close() gets the
			// lock
			this.server.close();
			this.provider.close();
		}
	}

	@Benchmark
	public InfisicalAccessToken infisical() {
		return this.provider.getToken();
	}

	@Benchmark
	public VaultToken springVault() {
		return this.sessionManager.getSessionToken();
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	/**
	 * Renews as soon as a token is held.
	 */
	private static final class RefreshNow implements RefreshTrigger {

		@Override
		public Instant nextExecution(LoginToken loginToken) {
			return Instant.now();
		}

		@Override
		public Duration getValidTtlThreshold(LoginToken loginToken) {
			return Duration.ofSeconds(5);
		}

	}

	/**
	 * Stands in for Vault: every request blocks until the tear-down, then fails.
	 */
	private final class BlockingRequestFactory implements ClientHttpRequestFactory {

		@Override
		public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
			return new AbstractClientHttpRequest() {

				@Override
				public HttpMethod getMethod() {
					return httpMethod;
				}

				@Override
				public URI getURI() {
					return uri;
				}

				@Override
				protected OutputStream getBodyInternal(HttpHeaders headers) {
					return new ByteArrayOutputStream();
				}

				@Override
				protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
					TokenProviderBenchmark.this.vaultRenewStarted.countDown();
					try {
						TokenProviderBenchmark.this.vaultRenewReleased.await(RENEW_DELAY_SECONDS, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					throw new IOException("no Vault in this benchmark");
				}

			};
		}

	}

}
