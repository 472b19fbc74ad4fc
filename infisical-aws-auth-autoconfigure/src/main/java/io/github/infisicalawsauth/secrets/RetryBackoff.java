package io.github.infisicalawsauth.secrets;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * How a secret read retries transient failures (network errors, HTTP 5xx and 429):
 * exponential backoff with jitter, never shorter than the server's {@code Retry-After},
 * within a number of attempts and a time budget.
 *
 * @param initial the first wait
 * @param max the longest wait, not counting {@code Retry-After}
 * @param multiplier the growth factor
 * @param maxAttempts the number of attempts, at least 1
 * @param maxElapsed the time budget of all attempts and waits
 * @author Infisical AWS Auth contributors
 */
record RetryBackoff(Duration initial, Duration max, double multiplier, int maxAttempts, Duration maxElapsed) {

	RetryBackoff {
		if (initial.isNegative() || max.compareTo(initial) < 0) {
			throw new IllegalArgumentException("'max' must not be shorter than 'initial'");
		}
		if (!(multiplier >= 1)) {
			throw new IllegalArgumentException("'multiplier' must be at least 1");
		}
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("'maxAttempts' must be at least 1");
		}
		if (maxElapsed.isNegative()) {
			throw new IllegalArgumentException("'maxElapsed' must not be negative");
		}
	}

	Duration waitBefore(int failedAttempts, @Nullable Duration retryAfter) {
		double delay = this.initial.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempts - 1));
		delay = Math.min(delay, this.max.toMillis());
		long jittered = (long) (delay / 2 + (delay / 2) * ThreadLocalRandom.current().nextDouble());
		Duration wait = Duration.ofMillis(jittered);
		if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
			// the server's wait plus a little jitter so that many clients do not return
			// at
			// once
			return retryAfter.plusMillis(ThreadLocalRandom.current().nextLong(0, 250));
		}
		return wait;
	}

}
