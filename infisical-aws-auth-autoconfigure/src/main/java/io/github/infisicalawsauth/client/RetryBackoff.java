package io.github.infisicalawsauth.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import org.jspecify.annotations.Nullable;

/**
 * How calls to Infisical retry transient failures (network errors, HTTP 5xx and 429):
 * exponential backoff with jitter, never shorter than the server's {@code Retry-After},
 * within a time budget and a number of attempts. Spring Framework's
 * {@code org.springframework.core.retry} has no notion of {@code Retry-After}, hence this
 * small type. The token provider only takes its {@link #backoff waits} and retries on its
 * own scheduler; secret reads {@link #run run} it on the reading thread.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class RetryBackoff {

	private final Duration initialInterval;

	private final Duration maxInterval;

	private final double multiplier;

	private final Duration maxElapsed;

	private final int maxAttempts;

	private final DoubleSupplier random;

	private final Sleeper sleeper;

	private RetryBackoff(Builder builder) {
		this.initialInterval = builder.initialInterval;
		this.maxInterval = builder.maxInterval;
		this.multiplier = builder.multiplier;
		this.maxElapsed = builder.maxElapsed;
		this.maxAttempts = builder.maxAttempts;
		this.random = builder.random;
		this.sleeper = builder.sleeper;
	}

	/**
	 * Start building a policy with the defaults: from 1 second doubling up to 30 seconds,
	 * for at most 1 minute, with no limit on the number of attempts.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a copy of this policy with another limit on the number of attempts.
	 * @param maxAttempts at least 1
	 * @return the new policy
	 */
	public RetryBackoff withMaxAttempts(int maxAttempts) {
		Builder builder = new Builder();
		builder.initialInterval = this.initialInterval;
		builder.maxInterval = this.maxInterval;
		builder.multiplier = this.multiplier;
		builder.maxElapsed = this.maxElapsed;
		builder.random = this.random;
		builder.sleeper = this.sleeper;
		return builder.maxAttempts(maxAttempts).build();
	}

	/**
	 * Return how long a call keeps retrying before it fails.
	 * @return the time budget
	 */
	public Duration getMaxElapsed() {
		return this.maxElapsed;
	}

	/**
	 * Return how many attempts a call makes at most.
	 * @return the number of attempts
	 */
	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Return how long to wait before the next attempt: exponential with jitter (half to
	 * full delay), or the server's {@code Retry-After} plus a little jitter when that is
	 * longer, so that many clients do not come back at the same instant.
	 * @param failedAttempts the number of failed attempts so far, at least 1
	 * @param retryAfter the server's {@code Retry-After}, if any
	 * @return the wait
	 */
	public Duration backoff(int failedAttempts, @Nullable Duration retryAfter) {
		double delay = this.initialInterval.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempts - 1));
		delay = Math.min(delay, this.maxInterval.toMillis());
		Duration wait = Duration.ofMillis((long) (delay / 2 + (delay / 2) * this.random.getAsDouble()));
		if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
			long spread = Math.min(250, retryAfter.toMillis() / 10);
			return retryAfter.plusMillis((long) (spread * this.random.getAsDouble()));
		}
		return wait;
	}

	/**
	 * Make attempts until one succeeds, a failure is not worth retrying, or the budget
	 * (attempts, and time measured on the given clock) is spent, waiting
	 * {@link #backoff(int, Duration) backoff} in between. Logins and secret reads share
	 * this loop.
	 * @param <T> the result type
	 * @param clock the clock the time budget is measured on
	 * @param attempt one attempt
	 * @param listener decides what is retried and what is thrown when giving up
	 * @return the result of the first successful attempt
	 * @throws InfisicalException the failure that ended the attempts, as the listener
	 * describes it
	 */
	public <T> T run(Clock clock, Supplier<T> attempt, Listener listener) {
		long started = clock.millis();
		long deadline = started + this.maxElapsed.toMillis();
		for (int attempts = 1;; attempts++) {
			try {
				return attempt.get();
			}
			catch (InfisicalException ex) {
				if (!listener.isRetryable(ex, attempts)) {
					throw ex;
				}
				Duration wait = backoff(attempts, retryAfter(ex));
				if (attempts >= this.maxAttempts || clock.millis() + wait.toMillis() > deadline) {
					throw listener.exhausted(ex, attempts, Duration.ofMillis(clock.millis() - started));
				}
				listener.retrying(ex, attempts, wait);
				try {
					this.sleeper.sleep(wait);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw listener.exhausted(ex, attempts, Duration.ofMillis(clock.millis() - started));
				}
			}
		}
	}

	/**
	 * Return the {@code Retry-After} of the first error answer in the failure's causes.
	 * @param failure the failure
	 * @return the wait the server asked for, or {@code null}
	 */
	public static @Nullable Duration retryAfter(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InfisicalApiException api) {
				return api.getRetryAfter();
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return "RetryBackoff[initialInterval=" + this.initialInterval + ", maxInterval=" + this.maxInterval
				+ ", multiplier=" + this.multiplier + ", maxElapsed=" + this.maxElapsed + ", maxAttempts="
				+ this.maxAttempts + "]";
	}

	/**
	 * Waits between the attempts of a {@link #run run}: {@link Thread#sleep} but in
	 * tests, which record the waits instead of spending them.
	 */
	@FunctionalInterface
	public interface Sleeper {

		/**
		 * Wait.
		 * @param duration how long
		 * @throws InterruptedException if the waiting thread is interrupted
		 */
		void sleep(Duration duration) throws InterruptedException;

	}

	/**
	 * Decides, for one {@link #run run}, which failures are retried and what is thrown
	 * when the attempts end.
	 */
	public interface Listener {

		/**
		 * Whether to try again after a failure. By default transient failures are.
		 * @param failure the failure
		 * @param attempts the number of attempts made so far
		 * @return {@code true} to try again if the budget allows
		 */
		default boolean isRetryable(InfisicalException failure, int attempts) {
			return failure.isTransient();
		}

		/**
		 * Called before waiting for the next attempt.
		 * @param failure the failure
		 * @param attempts the number of attempts made so far
		 * @param wait the wait before the next attempt
		 */
		void retrying(InfisicalException failure, int attempts, Duration wait);

		/**
		 * Return what to throw when a retryable failure ends the attempts: the budget is
		 * spent or the waiting thread was interrupted.
		 * @param failure the last failure
		 * @param attempts the number of attempts made
		 * @param elapsed the time spent
		 * @return the exception to throw
		 */
		default InfisicalException exhausted(InfisicalException failure, int attempts, Duration elapsed) {
			return failure;
		}

	}

	/**
	 * Builder of {@link RetryBackoff}.
	 */
	public static final class Builder {

		private Duration initialInterval = Duration.ofSeconds(1);

		private Duration maxInterval = Duration.ofSeconds(30);

		private double multiplier = 2;

		private Duration maxElapsed = Duration.ofMinutes(1);

		private int maxAttempts = Integer.MAX_VALUE;

		private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

		private Sleeper sleeper = (duration) -> Thread.sleep(duration.toMillis());

		private Builder() {
		}

		/**
		 * Set how {@link RetryBackoff#run run} waits between attempts. For tests.
		 * @param sleeper the sleeper
		 * @return this builder
		 */
		public Builder sleeper(Sleeper sleeper) {
			this.sleeper = Objects.requireNonNull(sleeper, "'sleeper' must not be null");
			return this;
		}

		/**
		 * Set the first wait after a failure.
		 * @param initialInterval a positive duration
		 * @return this builder
		 */
		public Builder initialInterval(Duration initialInterval) {
			this.initialInterval = positive(initialInterval, "initialInterval");
			return this;
		}

		/**
		 * Set the longest wait between attempts, not counting {@code Retry-After}.
		 * @param maxInterval a positive duration
		 * @return this builder
		 */
		public Builder maxInterval(Duration maxInterval) {
			this.maxInterval = positive(maxInterval, "maxInterval");
			return this;
		}

		/**
		 * Set the factor by which the wait grows after each failure.
		 * @param multiplier at least 1
		 * @return this builder
		 */
		public Builder multiplier(double multiplier) {
			if (!(multiplier >= 1)) {
				throw new IllegalArgumentException("'multiplier' must be at least 1");
			}
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * Set how long a call keeps retrying before it fails.
		 * @param maxElapsed zero or positive
		 * @return this builder
		 */
		public Builder maxElapsed(Duration maxElapsed) {
			if (maxElapsed == null || maxElapsed.isNegative()) {
				throw new IllegalArgumentException("'maxElapsed' must not be negative");
			}
			this.maxElapsed = maxElapsed;
			return this;
		}

		/**
		 * Set how many attempts a call makes at most.
		 * @param maxAttempts at least 1
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("'maxAttempts' must be at least 1");
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Set the source of jitter, values in {@code [0, 1)}. For tests.
		 * @param random the source
		 * @return this builder
		 */
		public Builder random(DoubleSupplier random) {
			this.random = Objects.requireNonNull(random, "'random' must not be null");
			return this;
		}

		/**
		 * Build the policy.
		 * @return the policy
		 */
		public RetryBackoff build() {
			if (this.maxInterval.compareTo(this.initialInterval) < 0) {
				throw new IllegalArgumentException("'maxInterval' must not be shorter than 'initialInterval'");
			}
			return new RetryBackoff(this);
		}

		private static Duration positive(Duration value, String name) {
			if (value == null || value.isZero() || value.isNegative()) {
				throw new IllegalArgumentException("'" + name + "' must be positive");
			}
			return value;
		}

	}

}
