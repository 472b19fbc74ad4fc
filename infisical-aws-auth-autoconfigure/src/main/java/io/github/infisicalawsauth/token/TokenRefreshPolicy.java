package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.client.TokenResponse;
import org.jspecify.annotations.Nullable;

/**
 * Decides when to refresh a token, whether to renew it or log in again, and how long to
 * wait between failed attempts. Holds no state, so it is tested alone with a fixed clock.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class TokenRefreshPolicy {

	private final Duration refreshBeforeExpiry;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final double multiplier;

	private final Duration maxElapsed;

	private final DoubleSupplier random;

	private TokenRefreshPolicy(Builder builder) {
		this.refreshBeforeExpiry = builder.refreshBeforeExpiry;
		this.initialBackoff = builder.initialBackoff;
		this.maxBackoff = builder.maxBackoff;
		this.multiplier = builder.multiplier;
		this.maxElapsed = builder.maxElapsed;
		this.random = builder.random;
	}

	/**
	 * Start building a policy with the defaults: refresh 1 minute before expiry, backoff
	 * from 1 second doubling up to 30 seconds, give up a synchronous login after 1
	 * minute.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return how long a synchronous login (at startup or for a caller without a valid
	 * token) keeps retrying transient failures.
	 * @return the time budget
	 */
	public Duration getMaxElapsed() {
		return this.maxElapsed;
	}

	TokenLifetime afterLogin(TokenResponse response, Instant now) {
		return lifetime(response, now, now);
	}

	TokenLifetime afterRenewal(TokenLifetime previous, TokenResponse response, Instant now) {
		return lifetime(response, previous.firstLoginAt(), now);
	}

	private TokenLifetime lifetime(TokenResponse response, Instant firstLoginAt, Instant now) {
		String value = Objects.requireNonNull(response.accessToken());
		Duration ttl = Duration.ofSeconds(Math.max(0, response.expiresIn()));
		Duration maxTtl = Duration.ofSeconds(Math.max(0, response.accessTokenMaxTTL()));
		Instant jwtExpiresAt = JwtClaims.parse(value).expiresAt();
		Instant expiresAt = TokenLifetime.earliest(jwtExpiresAt, ttl.isZero() ? null : now.plus(ttl));
		expiresAt = TokenLifetime.earliest(expiresAt, maxTtl.isZero() ? null : firstLoginAt.plus(maxTtl));
		return new TokenLifetime(InfisicalAccessToken.of(value, expiresAt), ttl, maxTtl, firstLoginAt, now,
				jwtExpiresAt, expiresAt);
	}

	/**
	 * When to refresh: the configured time before expiry, but no later than half-way
	 * through the token's life, so that short TTLs still leave room for retries.
	 * @param lifetime the held token
	 * @return when to refresh, {@code null} if the token never expires
	 */
	@Nullable Instant refreshAt(TokenLifetime lifetime) {
		Instant expiresAt = lifetime.expiresAt();
		if (expiresAt == null) {
			return null;
		}
		Duration life = Duration.between(lifetime.obtainedAt(), expiresAt);
		Duration before = min(this.refreshBeforeExpiry, life.dividedBy(2));
		return expiresAt.minus(before.isNegative() ? Duration.ZERO : before);
	}

	/**
	 * Whether renewing is worth it: the token has a TTL and the max TTL budget left still
	 * holds a full TTL plus the refresh margin. Renewing past the max TTL makes the 2024
	 * server delete the still-valid token, so log in again instead. The JWT {@code exp}
	 * does not count: current servers answer a renewal with a new JWT, and on the 2024
	 * server it is the end of the max TTL.
	 * @param lifetime the held token
	 * @param now the current time
	 * @return {@code true} to renew, {@code false} to log in again
	 */
	boolean shouldRenew(TokenLifetime lifetime, Instant now) {
		if (lifetime.ttl().isZero()) {
			return false;
		}
		if (lifetime.maxTtl().isZero()) {
			return true;
		}
		Instant maxTtlEnd = lifetime.firstLoginAt().plus(lifetime.maxTtl());
		return !now.plus(lifetime.ttl()).plus(this.refreshBeforeExpiry).isAfter(maxTtlEnd);
	}

	/**
	 * How long to wait before attempt {@code attempt + 1}: exponential with jitter (half
	 * to full delay), never shorter than what the server asked for with
	 * {@code Retry-After}.
	 * @param failedAttempts the number of failed attempts so far, at least 1
	 * @param retryAfter the server's {@code Retry-After}, if any
	 * @return the wait
	 */
	Duration backoff(int failedAttempts, @Nullable Duration retryAfter) {
		double delay = this.initialBackoff.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempts - 1));
		delay = Math.min(delay, this.maxBackoff.toMillis());
		long jittered = (long) (delay / 2 + (delay / 2) * this.random.getAsDouble());
		Duration wait = Duration.ofMillis(jittered);
		return (retryAfter != null && retryAfter.compareTo(wait) > 0) ? retryAfter : wait;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * Builder of {@link TokenRefreshPolicy}.
	 */
	public static final class Builder {

		private Duration refreshBeforeExpiry = Duration.ofMinutes(1);

		private Duration initialBackoff = Duration.ofSeconds(1);

		private Duration maxBackoff = Duration.ofSeconds(30);

		private double multiplier = 2;

		private Duration maxElapsed = Duration.ofMinutes(1);

		private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

		private Builder() {
		}

		/**
		 * Set how long before expiry the token is refreshed.
		 * @param refreshBeforeExpiry a positive duration
		 * @return this builder
		 */
		public Builder refreshBeforeExpiry(Duration refreshBeforeExpiry) {
			this.refreshBeforeExpiry = positive(refreshBeforeExpiry, "refreshBeforeExpiry");
			return this;
		}

		/**
		 * Set the first wait after a failure.
		 * @param initialBackoff a positive duration
		 * @return this builder
		 */
		public Builder initialBackoff(Duration initialBackoff) {
			this.initialBackoff = positive(initialBackoff, "initialBackoff");
			return this;
		}

		/**
		 * Set the longest wait between attempts.
		 * @param maxBackoff a positive duration
		 * @return this builder
		 */
		public Builder maxBackoff(Duration maxBackoff) {
			this.maxBackoff = positive(maxBackoff, "maxBackoff");
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
		 * Set how long a synchronous login keeps retrying transient failures.
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
		public TokenRefreshPolicy build() {
			if (this.maxBackoff.compareTo(this.initialBackoff) < 0) {
				throw new IllegalArgumentException("'maxBackoff' must not be shorter than 'initialBackoff'");
			}
			return new TokenRefreshPolicy(this);
		}

		private static Duration positive(Duration value, String name) {
			if (value == null || value.isZero() || value.isNegative()) {
				throw new IllegalArgumentException("'" + name + "' must be positive");
			}
			return value;
		}

	}

}
