package io.github.infisicalawsauth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.authentication.InfisicalAuthentication;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Holds one Infisical access token for the life of the application and keeps it valid:
 * refreshes it on a {@link TaskScheduler} before it expires, renewing while the max TTL
 * allows a full TTL and logging in again otherwise. While refreshes fail, the held token
 * is served until shortly before it expires, and attempts go on with backoff.
 * <p>
 * {@link #getToken()} is one volatile read and one read of the clock while a token is
 * held (a scheduled drop runs late in a process that was frozen). Without one, the caller
 * waits for the login in flight at most {@link Builder#maxWait(Duration) a bound}: logins
 * and their retries run on the scheduler, one at a time, never on a caller's thread.
 * Listeners hear of logins, refreshes, failures, drops and rejections in order on a
 * thread of their own, so they hold up neither refreshes nor callers.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class LifecycleAwareTokenProvider implements InfisicalTokenProvider, AutoCloseable {

	static final String PREFIX = "Cannot log in to Infisical with AWS IAM: ";

	private static final Log logger = LogFactory.getLog(LifecycleAwareTokenProvider.class);

	private final TokenCalls calls;

	private final TokenRefreshPolicy policy;

	private final @Nullable ThreadPoolTaskScheduler ownScheduler;

	private final Clock clock;

	private final Duration maxWait;

	private final boolean revokeOnClose;

	private final TokenEvents events;

	private volatile @Nullable TokenLifetime current;

	// guards what follows; never held across a call to Infisical
	private final Object monitor = new Object();

	private final RefreshSchedule schedule;

	private @Nullable CompletableFuture<TokenLifetime> pending;

	private boolean running;

	private boolean closed;

	private @Nullable Instant lastAttemptAt;

	private int failures;

	private @Nullable InfisicalLoginException lastFailure;

	private @Nullable TokenLifetime lastObtained;

	private boolean lastRenewed;

	private LifecycleAwareTokenProvider(Builder builder, TaskScheduler scheduler,
			@Nullable ThreadPoolTaskScheduler ownScheduler) {
		this.calls = new TokenCalls(builder.authentication, builder.client);
		this.policy = builder.policy;
		this.ownScheduler = ownScheduler;
		this.clock = scheduler.getClock();
		this.schedule = new RefreshSchedule(scheduler, this::refresh);
		this.maxWait = builder.maxWait;
		this.revokeOnClose = builder.revokeOnClose;
		this.events = new TokenEvents(builder.eventExecutor);
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
	 * Log in on the scheduler now, unless a token is held or a login is in flight, and
	 * return at once. Unlike {@link #getToken()}, which waits out the backoff of earlier
	 * failures, this is its owner's explicit start (at startup, or when configuration is
	 * loaded again) and does not.
	 * @return the first token: completes when a login succeeds, or fails when logging in
	 * is given up (a failure that trying again cannot mend); transient failures are
	 * retried meanwhile, so whoever waits on it bounds the wait
	 */
	public CompletableFuture<InfisicalAccessToken> start() {
		return requestLogin(true).thenApply(TokenLifetime::token);
	}

	/**
	 * Return the held token, or wait for a login at most {@link Builder#maxWait(Duration)
	 * the configured bound}.
	 * @throws InfisicalLoginException if no token can be had in that time
	 */
	@Override
	public InfisicalAccessToken getToken() {
		TokenLifetime held = this.current;
		// the clock too, not only the scheduled drop: a host suspended or a VM frozen
		// runs the drop late, by as long as it stood still
		return (held != null && held.isUsableAt(this.clock.millis())) ? held.token() : getToken(this.maxWait);
	}

	/**
	 * Return the held token, or wait for a login at most the given time: retries go on in
	 * the background meanwhile and after.
	 * @param maxWait how long to wait
	 * @return a token
	 * @throws InfisicalLoginException if the login failed in a way that trying again
	 * cannot mend, or did not succeed in that time (naming the last failure)
	 */
	public InfisicalAccessToken getToken(Duration maxWait) {
		CompletableFuture<TokenLifetime> login = requestLogin(false);
		try {
			return login.get(maxWait.toNanos(), TimeUnit.NANOSECONDS).token();
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException failure) ? failure
					: new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InfisicalLoginException(Reason.INTERRUPTED, PREFIX + "interrupted while waiting for the login",
					ex, false);
		}
		catch (TimeoutException ex) {
			synchronized (this.monitor) {
				// an attempt that ended just now answers its waiters right after: look
				// at its outcome itself
				TokenLifetime held = this.current;
				if (held != null && held.isUsableAt(this.clock.millis())) {
					return held.token();
				}
				InfisicalLoginException last = this.lastFailure;
				if (last != null && !last.isTransient() && this.pending != login) {
					throw last;
				}
				throw InfisicalLoginException.waited(maxWait, this.failures, last);
			}
		}
	}

	// eager: now, whatever the backoff of earlier failures says (the floor still holds)
	private CompletableFuture<TokenLifetime> requestLogin(boolean eager) {
		synchronized (this.monitor) {
			if (this.closed) {
				throw new IllegalStateException("The Infisical token provider is closed");
			}
			Instant now = this.clock.instant();
			TokenLifetime held = this.current;
			if (held != null) {
				if (held.isUsableAt(now.toEpochMilli())) {
					return CompletableFuture.completedFuture(held);
				}
				// past its end before the drop ran late: dropped now, and a login asked
				// for
				drop(held);
			}
			InfisicalLoginException last = this.lastFailure;
			// after failures the backoff spaces attempts, after a success the floor does
			TokenLifetime lastObtained = this.lastObtained;
			Instant at = (last != null && this.lastAttemptAt != null && !eager)
					? this.policy.retryAt(this.lastAttemptAt, this.failures, RetryBackoff.retryAfter(last))
					: this.policy.notBefore((lastObtained != null) ? lastObtained.obtainedAt() : null, now);
			if (this.pending == null) {
				if (last != null && !last.isTransient() && at.isAfter(now)) {
					// given up on, and not to be tried again yet: nothing to wait for
					return CompletableFuture.failedFuture(last);
				}
				this.pending = new CompletableFuture<>();
			}
			if (!this.running) {
				// else the running attempt answers the waiters when it ends
				this.schedule.refreshNoLaterThan(at.isBefore(now) ? now : at);
			}
			return this.pending;
		}
	}

	@Override
	public void tokenRejected(InfisicalAccessToken token) {
		synchronized (this.monitor) {
			TokenLifetime held = this.current;
			// by value: a renewal on the 2024 server keeps the string and changes the
			// expiry
			if (held != null && held.token().value().equals(token.value())) {
				this.current = null;
				this.schedule.cancelDrop();
				this.events.rejected();
			}
		}
	}

	private void refresh(long id) {
		TokenLifetime held;
		Instant startedAt;
		synchronized (this.monitor) {
			if (this.closed || this.running || !this.schedule.begin(id)) {
				return;
			}
			this.running = true;
			startedAt = this.clock.instant();
			this.lastAttemptAt = startedAt;
			held = this.current;
		}
		Runnable answerWaiters;
		try {
			TokenCalls.Obtained obtained = this.calls.obtain(held, startedAt, this.policy, this.clock);
			answerWaiters = installed(obtained.lifetime(), obtained.renewed());
		}
		catch (InfisicalLoginException ex) {
			answerWaiters = failed(ex);
		}
		catch (RuntimeException ex) {
			answerWaiters = failed(new InfisicalLoginException(Reason.UNEXPECTED_ANSWER, PREFIX + ex, ex, true));
		}
		// the waiters' threads go on from here: not with the monitor held
		answerWaiters.run();
	}

	private Runnable installed(TokenLifetime next, boolean renewed) {
		synchronized (this.monitor) {
			this.running = false;
			if (this.closed) {
				return () -> {
				};
			}
			boolean replaced = this.current != null;
			CompletableFuture<TokenLifetime> waiting = this.pending;
			this.pending = null;
			this.current = next;
			this.failures = 0;
			this.lastFailure = null;
			this.lastObtained = next;
			this.lastRenewed = renewed;
			this.schedule.dropAt(next.dropAt(), () -> drop(next));
			if (next.refreshAt() != null) {
				this.schedule.refreshAt(next.refreshAt());
			}
			// published with the state: a listener added meanwhile hears of it once
			this.events.obtained(next, renewed, replaced, waiting != null, this.calls.site());
			return () -> {
				if (waiting != null) {
					waiting.complete(next);
				}
			};
		}
	}

	private Runnable failed(InfisicalLoginException failure) {
		synchronized (this.monitor) {
			this.running = false;
			if (this.closed) {
				return () -> {
				};
			}
			this.lastFailure = failure;
			int failuresInARow = ++this.failures;
			TokenLifetime still = this.current;
			Instant retryAt = null;
			CompletableFuture<TokenLifetime> waiting = null;
			if (still != null || failure.isTransient()) {
				retryAt = this.policy.retryAt(Objects.requireNonNull(this.lastAttemptAt), failuresInARow,
						RetryBackoff.retryAfter(failure));
				this.schedule.refreshAt(retryAt);
			}
			else {
				// given up on until a token is asked for again
				waiting = this.pending;
				this.pending = null;
			}
			Instant keepingUntil = (still != null) ? still.token().expiresAt() : null;
			this.events.failed(failure, failuresInARow, keepingUntil, retryAt);
			CompletableFuture<TokenLifetime> givenUp = waiting;
			return () -> {
				if (givenUp != null) {
					givenUp.completeExceptionally(failure);
				}
			};
		}
	}

	private void drop(TokenLifetime lifetime) {
		synchronized (this.monitor) {
			if (this.current == lifetime) {
				this.current = null;
				this.events.dropped(lifetime.token().expiresAt());
			}
		}
	}

	/**
	 * Add a listener of logins, refreshes, failures, drops and rejections. While a token
	 * is held, it first hears of the login that gave it.
	 * @param listener the listener
	 */
	public void addListener(TokenLifecycleListener listener) {
		synchronized (this.monitor) {
			this.events.add(listener, this.current);
		}
	}

	/**
	 * Remove a listener.
	 * @param listener the listener
	 */
	public void removeListener(TokenLifecycleListener listener) {
		this.events.remove(listener);
	}

	/**
	 * Observe logins, renewals and revocations with the given registry, from now on: a
	 * provider built before the application's registry existed (while configuration
	 * loads) gets it later.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.calls.setObservationRegistry(
				Objects.requireNonNull(observationRegistry, "'observationRegistry' must not be null"));
	}

	/**
	 * Return what this provider holds, without logging in.
	 * @return the status, holding no token
	 */
	public TokenStatus getStatus() {
		synchronized (this.monitor) {
			TokenLifetime held = this.current;
			TokenLifetime last = this.lastObtained;
			return new TokenStatus((held != null) ? held.token().expiresAt() : null,
					(last != null) ? last.obtainedAt() : null,
					(last != null) ? (this.lastRenewed ? "renewal" : "login") : null, this.failures,
					(this.lastFailure != null) ? this.lastFailure.getMessage() : null);
		}
	}

	/**
	 * Stop refreshing, fail the callers still waiting and, if configured, revoke the held
	 * token.
	 */
	@Override
	public void close() {
		CompletableFuture<TokenLifetime> waiting;
		TokenLifetime held;
		synchronized (this.monitor) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.schedule.cancel();
			held = this.current;
			this.current = null;
			waiting = this.pending;
			this.pending = null;
		}
		if (waiting != null) {
			waiting.completeExceptionally(
					new IllegalStateException("The Infisical token provider was closed before it logged in"));
		}
		if (this.revokeOnClose && held != null && held.isValidAt(this.clock.instant())) {
			this.calls.revoke(held.token().value());
		}
		this.calls.close();
		this.events.close();
		if (this.ownScheduler != null) {
			this.ownScheduler.shutdown();
		}
	}

	/**
	 * Builder of {@link LifecycleAwareTokenProvider}.
	 */
	public static final class Builder {

		private final InfisicalAuthentication authentication;

		private final InfisicalHttpClient client;

		private TokenRefreshPolicy policy = TokenRefreshPolicy.builder().build();

		private @Nullable TaskScheduler scheduler;

		private @Nullable Executor eventExecutor;

		private Duration maxWait = Duration.ofSeconds(5);

		private boolean revokeOnClose;

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
		 * Set the scheduler of logins, refreshes and retries, whose clock the provider
		 * uses. It needs two threads, so that a refresh waiting on Infisical cannot hold
		 * up dropping a token about to expire. Default: a scheduler of the provider's
		 * own, shut down by {@link #close()}.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder taskScheduler(TaskScheduler scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "'scheduler' must not be null");
			return this;
		}

		/**
		 * Set where listeners are called, in order. Default: a thread of the provider's
		 * own, started with the first listener. The provider hands events over while it
		 * holds its lock, so the executor must neither run them on the calling thread nor
		 * block it: a direct or caller-runs executor would run listeners under the lock
		 * and hold up refreshes and every {@link #getToken()} that waits.
		 * @param eventExecutor the executor, one that queues
		 * @return this builder
		 */
		public Builder eventExecutor(Executor eventExecutor) {
			this.eventExecutor = Objects.requireNonNull(eventExecutor, "'eventExecutor' must not be null");
			return this;
		}

		/**
		 * Set how long {@link #getToken()} waits for a login when no token is held.
		 * @param maxWait zero or positive, 5 seconds by default
		 * @return this builder
		 */
		public Builder maxWait(Duration maxWait) {
			if (maxWait == null || maxWait.isNegative()) {
				throw new IllegalArgumentException("'maxWait' must not be negative");
			}
			this.maxWait = maxWait;
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
		 * Build the provider; {@link #start()} or the first {@link #getToken()} logs in.
		 * @return the provider
		 */
		public LifecycleAwareTokenProvider build() {
			if (this.scheduler != null) {
				return new LifecycleAwareTokenProvider(this, this.scheduler, null);
			}
			// two threads: a refresh waiting on the server must not hold up the drop
			ThreadPoolTaskScheduler own = new ThreadPoolTaskScheduler();
			own.setPoolSize(2);
			own.setThreadNamePrefix("infisical-token-");
			own.setDaemon(true);
			own.initialize();
			return new LifecycleAwareTokenProvider(this, own, own);
		}

	}

}
