package io.github.infisicalawsauth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.authentication.InfisicalAuthentication;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalObservations;
import io.github.infisicalawsauth.client.RetryPolicy;
import io.github.infisicalawsauth.client.TokenResponse;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Holds one Infisical access token for the life of the application and keeps it valid:
 * refreshes it in the background before it expires, renewing while the max TTL allows a
 * full TTL and logging in again otherwise, and falling back to a login when a renewal
 * fails. While refreshes fail, the held token is served until it really expires.
 * <p>
 * {@link #getToken()} is one volatile read while a token is held: it checks no clock.
 * Instead the scheduler drops the held token a little before it expires (a tenth of its
 * life, at most a second, so that the token still works for the request it is handed to),
 * on a thread of its own so that a refresh blocked on a slow server cannot delay it. Only
 * one login or refresh runs at a time, whatever the number of callers.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class LifecycleAwareTokenProvider implements InfisicalTokenProvider, AutoCloseable {

	static final String RENEW_PATH = "/v1/auth/token/renew";

	static final String REVOKE_PATH = "/v1/auth/token/revoke";

	private static final Log logger = LogFactory.getLog(LifecycleAwareTokenProvider.class);

	// a refusal re-signed three times in a row is not a passing glitch
	private static final int MAX_STS_REFUSALS = 3;

	private final InfisicalAuthentication authentication;

	private final InfisicalHttpClient client;

	private final TokenRefreshPolicy policy;

	private final Clock clock;

	private final boolean revokeOnClose;

	private final boolean failFast;

	private final AtomicReference<@Nullable TokenLifetime> current = new AtomicReference<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final ScheduledExecutorService scheduler;

	private @Nullable ScheduledFuture<?> scheduledRefresh;

	private @Nullable ScheduledFuture<?> scheduledExpiry;

	private int failedRefreshes;

	// counts finished synchronous logins, so that callers who waited for one that
	// failed share its failure instead of each starting their own
	private volatile int loginGeneration;

	private @Nullable InfisicalException lastLoginFailure;

	private volatile boolean closed;

	private volatile @Nullable Future<?> backgroundStart;

	private final List<TokenLifecycleListener> listeners = new CopyOnWriteArrayList<>();

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private volatile @Nullable Instant lastRefreshAt;

	private volatile @Nullable String lastRefresh;

	private volatile @Nullable String lastFailure;

	private LifecycleAwareTokenProvider(Builder builder) {
		this.authentication = Objects.requireNonNull(builder.authentication, "'authentication' must not be null");
		this.client = Objects.requireNonNull(builder.client, "'client' must not be null");
		this.policy = builder.policy;
		this.clock = builder.clock;
		this.revokeOnClose = builder.revokeOnClose;
		this.failFast = builder.failFast;
		// two threads: a refresh waiting on the server must not hold up the expiry
		this.scheduler = Executors.newScheduledThreadPool(2, (runnable) -> {
			Thread thread = new Thread(runnable, "infisical-token-refresh");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Start building a provider.
	 * @param authentication how to log in
	 * @param client the HTTP client of the Infisical site, for renew and revoke
	 * @return a new builder
	 */
	public static Builder builder(InfisicalAuthentication authentication, InfisicalHttpClient client) {
		return new Builder(authentication, client);
	}

	/**
	 * Log in now, retrying transient failures within the policy's time budget. When
	 * fail-fast is off a failure is logged and retried in the background instead.
	 * @throws InfisicalLoginException if the login fails and fail-fast is on
	 */
	public void start() {
		this.lock.lock();
		try {
			checkOpen();
			if (this.current.get() != null) {
				return;
			}
			try {
				// without fail-fast one attempt here, then retries in the background
				installLogin(this.failFast ? loginWithRetry() : login());
			}
			catch (RuntimeException ex) {
				if (this.failFast) {
					// shared with callers of getToken() who waited for this start
					this.lastLoginFailure = (ex instanceof InfisicalException failure
							&& !Thread.currentThread().isInterrupted()) ? failure : null;
					this.loginGeneration++;
					throw ex;
				}
				this.failedRefreshes++;
				Duration wait = this.policy.getRetry().backoff(this.failedRefreshes, RetryPolicy.retryAfter(ex));
				logger.error("Cannot log in to Infisical at start-up; retrying in the background in " + wait.toMillis()
						+ " ms: " + ex.getMessage());
				refreshFailed(ex);
				schedule(wait);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Run {@link #start()} on the provider's own thread and return at once, so that the
	 * login overlaps with what the caller does next. {@link #getToken()} meanwhile waits
	 * for it; {@link #awaitStart()} waits for it and throws what {@code start()} threw.
	 */
	public void startInBackground() {
		this.lock.lock();
		try {
			checkOpen();
			if (this.backgroundStart == null) {
				this.backgroundStart = this.scheduler.submit(this::start);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wait for the login that {@link #startInBackground()} began; return at once if none
	 * was.
	 * @throws InfisicalLoginException if the login failed and fail-fast is on
	 */
	public void awaitStart() {
		Future<?> start = this.backgroundStart;
		if (start == null) {
			return;
		}
		try {
			start.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (CancellationException ex) {
			throw new IllegalStateException("The Infisical token provider was closed before it logged in");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InfisicalLoginException(Reason.INTERRUPTED,
					"Cannot log in to Infisical with AWS IAM: interrupted while waiting for the login", ex, false);
		}
	}

	@Override
	public InfisicalAccessToken getToken() {
		TokenLifetime held = this.current.get();
		return (held != null) ? held.token() : loginNow();
	}

	@Override
	public void tokenRejected(InfisicalAccessToken token) {
		TokenLifetime held = this.current.get();
		// by value: a renewal on the 2024 server keeps the string and changes the
		// expiry
		if (held != null && held.token().value().equals(token.value()) && this.current.compareAndSet(held, null)) {
			logger.info("Infisical rejected the access token; logging in again on next use");
			notifyListeners(TokenLifecycleListener::tokenRejected);
		}
	}

	private InfisicalAccessToken loginNow() {
		int generation = this.loginGeneration;
		this.lock.lock();
		try {
			checkOpen();
			TokenLifetime held = this.current.get();
			if (held != null && held.isValidAt(this.clock.millis())) {
				return held.token();
			}
			InfisicalException failure = this.lastLoginFailure;
			if (generation != this.loginGeneration && failure != null) {
				throw failure;
			}
			try {
				TokenLifetime fresh = loginWithRetry();
				installLogin(fresh);
				this.lastLoginFailure = null;
				return fresh.token();
			}
			catch (RuntimeException ex) {
				// an interrupted wait is this caller's own business, not the others'
				this.lastLoginFailure = (ex instanceof InfisicalException loginFailure
						&& !Thread.currentThread().isInterrupted()) ? loginFailure : null;
				throw ex;
			}
			finally {
				this.loginGeneration++;
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private TokenLifetime loginWithRetry() {
		return this.policy.getRetry().run(this.clock, this::login, new RetryPolicy.Listener() {

			private int stsRefusals;

			@Override
			public boolean isRetryable(InfisicalException failure, int attempts) {
				Reason reason = (failure instanceof InfisicalLoginException login) ? login.getReason() : null;
				if (reason == Reason.CLOCK_SKEW || reason == Reason.CREDENTIALS_REJECTED) {
					// signing again with the same clock or credentials cannot help
					return false;
				}
				this.stsRefusals = (reason == Reason.STS_REJECTED || reason == Reason.STS_UNREACHABLE)
						? this.stsRefusals + 1 : 0;
				return failure.isTransient() && this.stsRefusals < MAX_STS_REFUSALS;
			}

			@Override
			public void retrying(InfisicalException failure, int attempts, Duration wait) {
				logger.warn("Login to Infisical failed, attempt " + attempts + ", retrying in " + wait.toMillis()
						+ " ms: " + failure.getMessage());
			}

			@Override
			public InfisicalException exhausted(InfisicalException failure, int attempts, Duration elapsed) {
				Reason reason = (failure instanceof InfisicalLoginException login) ? login.getReason()
						: Reason.UNEXPECTED_ANSWER;
				if (Thread.currentThread().isInterrupted()) {
					return new InfisicalLoginException(Reason.INTERRUPTED,
							"Cannot log in to Infisical with AWS IAM: interrupted while waiting to retry", failure,
							false);
				}
				return new InfisicalLoginException(reason, failure.getMessage() + " (gave up after " + attempts
						+ " attempt" + ((attempts > 1) ? "s" : "") + " in " + elapsed.toMillis() + " ms)", failure,
						true);
			}

		});
	}

	private TokenLifetime login() {
		TokenResponse response = InfisicalObservations.observe(this.observationRegistry, "login", this.client,
				(answer) -> 200, this.authentication::login);
		TokenLifetime lifetime = this.policy.afterLogin(response, this.clock.instant());
		logger.info("Logged in to Infisical at " + this.client.getSiteUrl() + "; token valid until "
				+ lifetime.expiresAt() + " (TTL " + lifetime.ttl().toSeconds() + " s, max TTL "
				+ lifetime.maxTtl().toSeconds() + " s)");
		return lifetime;
	}

	private void refresh() {
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			TokenLifetime held = this.current.get();
			Instant now = this.clock.instant();
			Instant due = (held != null && this.failedRefreshes == 0) ? this.policy.refreshAt(held) : null;
			if (due != null && now.isBefore(due)) {
				// a caller logged in while this run waited for the lock: not due yet
				schedule(Duration.between(now, due));
				return;
			}
			if (held != null && this.policy.shouldRenew(held, now)) {
				try {
					install(renew(held, now), "renewal");
					notifyListeners((listener) -> listener.refreshed(this.current.get().token().expiresAt(), true));
					return;
				}
				catch (InfisicalException ex) {
					logger.info("Renewing the Infisical access token failed; logging in again: " + ex.getMessage());
				}
			}
			try {
				install(login(), "login");
				notifyListeners((listener) -> listener.refreshed(this.current.get().token().expiresAt(), false));
			}
			catch (InfisicalException ex) {
				this.failedRefreshes++;
				Duration wait = this.policy.getRetry().backoff(this.failedRefreshes, RetryPolicy.retryAfter(ex));
				TokenLifetime still = this.current.get();
				String keeping = (still != null && still.isValidAt(this.clock.millis()))
						? "keeping the current token until " + still.expiresAt() : "no valid token held";
				logger.warn("Refreshing the Infisical access token failed (" + this.failedRefreshes + " in a row); "
						+ keeping + "; next attempt in " + wait.toMillis() + " ms: " + ex.getMessage());
				refreshFailed(ex);
				schedule(wait);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Unexpected failure refreshing the Infisical access token", ex);
			schedule(this.policy.getRetry().backoff(++this.failedRefreshes, null));
		}
		finally {
			this.lock.unlock();
		}
	}

	private TokenLifetime renew(TokenLifetime held, Instant now) {
		TokenResponse response = InfisicalObservations.observe(this.observationRegistry, "token.renew", this.client,
				(answer) -> 200, () -> this.client.post(RENEW_PATH, Map.of("accessToken", held.token().value()),
						(parser, head) -> TokenResponse.read(parser)));
		if (response.accessToken() == null || response.accessToken().isBlank()) {
			throw new InfisicalException("The answer of POST /api" + RENEW_PATH + " has no accessToken");
		}
		TokenLifetime renewed = this.policy.afterRenewal(held, response, now);
		if (logger.isDebugEnabled()) {
			logger.debug("Renewed the Infisical access token; valid until " + renewed.expiresAt());
		}
		return renewed;
	}

	// called with the lock held: a login that a caller waited for
	private void installLogin(TokenLifetime lifetime) {
		install(lifetime, "login");
		notifyListeners((listener) -> listener.loggedIn(lifetime.token().expiresAt()));
	}

	// called with the lock held
	private void install(TokenLifetime lifetime, String how) {
		this.lastRefreshAt = this.clock.instant();
		this.lastRefresh = how;
		this.lastFailure = null;
		this.current.set(lifetime);
		this.lastLoginFailure = null;
		this.failedRefreshes = 0;
		scheduleExpiry(lifetime);
		Instant refreshAt = this.policy.refreshAt(lifetime);
		if (refreshAt != null) {
			schedule(Duration.between(this.clock.instant(), refreshAt));
		}
		else {
			cancelScheduled();
		}
	}

	// called with the lock held
	private void schedule(Duration delay) {
		cancelScheduled();
		if (!this.closed) {
			this.scheduledRefresh = this.scheduler.schedule(this::refresh, Math.max(0, delay.toMillis()),
					TimeUnit.MILLISECONDS);
		}
	}

	// called with the lock held
	private void scheduleExpiry(TokenLifetime lifetime) {
		if (this.scheduledExpiry != null) {
			this.scheduledExpiry.cancel(false);
			this.scheduledExpiry = null;
		}
		Instant dropAt = lifetime.dropAt();
		if (dropAt != null && !this.closed) {
			long delay = Math.max(0, Duration.between(this.clock.instant(), dropAt).toMillis());
			this.scheduledExpiry = this.scheduler.schedule(() -> expire(lifetime), delay, TimeUnit.MILLISECONDS);
		}
	}

	// no lock: a refresh holding it may be waiting on the server
	private void expire(TokenLifetime lifetime) {
		if (this.current.compareAndSet(lifetime, null)) {
			logger.warn("The Infisical access token expires at " + lifetime.expiresAt()
					+ " and could not be refreshed; the next use logs in again");
		}
	}

	private void cancelScheduled() {
		if (this.scheduledRefresh != null) {
			this.scheduledRefresh.cancel(false);
			this.scheduledRefresh = null;
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The Infisical token provider is closed");
		}
	}

	// called with the lock held
	private void refreshFailed(RuntimeException ex) {
		this.lastFailure = ex.getMessage();
		TokenLifetime still = this.current.get();
		Instant keepingUntil = (still != null && still.isValidAt(this.clock.millis())) ? still.token().expiresAt()
				: null;
		InfisicalException failure = (ex instanceof InfisicalException infisical) ? infisical
				: new InfisicalException(String.valueOf(ex.getMessage()), ex);
		int failures = this.failedRefreshes;
		notifyListeners((listener) -> listener.refreshFailed(failure, failures, keepingUntil));
	}

	private void notifyListeners(Consumer<TokenLifecycleListener> event) {
		for (TokenLifecycleListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("An Infisical token listener failed: " + ex);
			}
		}
	}

	/**
	 * Add a listener of logins, refreshes and rejections.
	 * @param listener the listener
	 */
	public void addListener(TokenLifecycleListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	/**
	 * Remove a listener.
	 * @param listener the listener
	 */
	public void removeListener(TokenLifecycleListener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Observe logins, renewals and revocations with the given registry, from now on: a
	 * provider built before the application's registry existed (while configuration
	 * loads) gets it later.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = Objects.requireNonNull(observationRegistry,
				"'observationRegistry' must not be null");
	}

	/**
	 * Return what this provider holds, without logging in.
	 * @return the status, holding no token
	 */
	public TokenStatus getStatus() {
		TokenLifetime held = this.current.get();
		return new TokenStatus((held != null) ? held.token().expiresAt() : null, this.lastRefreshAt, this.lastRefresh,
				this.failedRefreshes, this.lastFailure);
	}

	/**
	 * Stop refreshing and, if configured, revoke the held token.
	 */
	@Override
	public void close() {
		Future<?> start = this.backgroundStart;
		if (start != null) {
			// a login still retrying holds the lock: stop its waits
			start.cancel(true);
		}
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			cancelScheduled();
			this.scheduler.shutdownNow();
			TokenLifetime held = this.current.getAndSet(null);
			if (this.revokeOnClose && held != null && held.isValidAt(this.clock.millis())) {
				revoke(held.token());
			}
			closeQuietly(this.authentication);
		}
		finally {
			this.lock.unlock();
		}
	}

	private static void closeQuietly(Object resource) {
		if (resource instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Closing " + resource + " failed", ex);
			}
		}
	}

	private void revoke(InfisicalAccessToken token) {
		try {
			InfisicalObservations.observe(this.observationRegistry, "token.revoke", this.client, (answer) -> 200,
					() -> this.client.post(REVOKE_PATH, Map.of("accessToken", token.value()), (parser, head) -> {
						parser.nextToken();
						parser.skipChildren();
						return head;
					}));
			logger.info("Revoked the Infisical access token");
		}
		catch (InfisicalException ex) {
			logger.warn("Could not revoke the Infisical access token: " + ex.getMessage());
		}
	}

	/**
	 * Builder of {@link LifecycleAwareTokenProvider}.
	 */
	public static final class Builder {

		private final InfisicalAuthentication authentication;

		private final InfisicalHttpClient client;

		private TokenRefreshPolicy policy = TokenRefreshPolicy.builder().build();

		private Clock clock = Clock.systemUTC();

		private boolean revokeOnClose;

		private boolean failFast = true;

		private Builder(InfisicalAuthentication authentication, InfisicalHttpClient client) {
			this.authentication = Objects.requireNonNull(authentication, "'authentication' must not be null");
			this.client = Objects.requireNonNull(client, "'client' must not be null");
		}

		/**
		 * Set the refresh and backoff policy.
		 * @param policy the policy
		 * @return this builder
		 */
		public Builder policy(TokenRefreshPolicy policy) {
			this.policy = Objects.requireNonNull(policy, "'policy' must not be null");
			return this;
		}

		/**
		 * Set the clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
			return this;
		}

		/**
		 * Set whether {@link #close()} revokes the held token.
		 * @param revokeOnClose whether to revoke
		 * @return this builder
		 */
		public Builder revokeOnClose(boolean revokeOnClose) {
			this.revokeOnClose = revokeOnClose;
			return this;
		}

		/**
		 * Set whether {@link #start()} throws when the first login fails (default) or
		 * keeps retrying in the background.
		 * @param failFast whether to fail fast
		 * @return this builder
		 */
		public Builder failFast(boolean failFast) {
			this.failFast = failFast;
			return this;
		}

		/**
		 * Build the provider; call {@link #start()} to log in.
		 * @return the provider
		 */
		public LifecycleAwareTokenProvider build() {
			return new LifecycleAwareTokenProvider(this);
		}

	}

}
