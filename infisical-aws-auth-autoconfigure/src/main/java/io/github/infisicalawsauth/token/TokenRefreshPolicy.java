package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.client.RetryPolicy;
import io.github.infisicalawsauth.client.TokenResponse;
import org.jspecify.annotations.Nullable;

/**
 * Decides when to refresh a token and whether to renew it or log in again, and carries
 * the {@link RetryPolicy} of failed attempts. Holds no state, so it is tested alone with
 * a fixed clock.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class TokenRefreshPolicy {

	private final Duration refreshBeforeExpiry;

	private final RetryPolicy retry;

	private final DoubleSupplier random;

	private TokenRefreshPolicy(Builder builder) {
		this.refreshBeforeExpiry = builder.refreshBeforeExpiry;
		this.retry = builder.retry;
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
	 * Return how failed logins and refreshes are retried. A synchronous login (at startup
	 * or for a caller without a valid token) keeps retrying within its time budget.
	 * @return the retry policy
	 */
	public RetryPolicy getRetry() {
		return this.retry;
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
		Duration margin = margin(now, expiresAt);
		// up to a quarter of the margin earlier, so that instances that started
		// together do not all refresh at the same instant
		Instant refreshAt = (expiresAt != null)
				? expiresAt.minus(margin).minusMillis((long) (margin.toMillis() / 4 * this.random.getAsDouble()))
				: null;
		return new TokenLifetime(InfisicalAccessToken.of(value, expiresAt), ttl, maxTtl, firstLoginAt, now,
				jwtExpiresAt, expiresAt, refreshAt);
	}

	/**
	 * When to refresh: the configured time before expiry, but no later than half-way
	 * through the token's life, so that short TTLs still leave room for retries; up to a
	 * quarter of that margin earlier, at random, so that a fleet started at once spreads
	 * its refreshes.
	 * @param lifetime the held token
	 * @return when to refresh, {@code null} if the token never expires
	 */
	@Nullable Instant refreshAt(TokenLifetime lifetime) {
		return lifetime.refreshAt();
	}

	/**
	 * How long before expiry the token is refreshed: the configured time, capped at half
	 * the token's life. The schedule and the renew-or-login decision both use it, so that
	 * a short TTL is renewed rather than replaced by a login every time.
	 */
	private Duration margin(Instant obtainedAt, @Nullable Instant expiresAt) {
		if (expiresAt == null) {
			return this.refreshBeforeExpiry;
		}
		Duration halfLife = Duration.between(obtainedAt, expiresAt).dividedBy(2);
		Duration margin = min(this.refreshBeforeExpiry, halfLife);
		return margin.isNegative() ? Duration.ZERO : margin;
	}

	/**
	 * Whether renewing is worth it: the token has a TTL and the max TTL budget left still
	 * holds a full TTL plus the refresh margin (the same capped margin as the schedule).
	 * Renewing past the max TTL makes the 2024 server delete the still-valid token, so
	 * log in again instead. The JWT {@code exp} does not count: current servers answer a
	 * renewal with a new JWT, and on the 2024 server it is the end of the max TTL.
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
		return !now.plus(lifetime.ttl()).plus(margin(lifetime.obtainedAt(), lifetime.expiresAt())).isAfter(maxTtlEnd);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * Builder of {@link TokenRefreshPolicy}.
	 */
	public static final class Builder {

		private Duration refreshBeforeExpiry = Duration.ofMinutes(1);

		private RetryPolicy retry = RetryPolicy.builder().build();

		private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

		private Builder() {
		}

		/**
		 * Set the source of the spread of refresh times, values in {@code [0, 1)}. For
		 * tests.
		 * @param random the source
		 * @return this builder
		 */
		public Builder random(DoubleSupplier random) {
			this.random = Objects.requireNonNull(random, "'random' must not be null");
			return this;
		}

		/**
		 * Set how long before expiry the token is refreshed.
		 * @param refreshBeforeExpiry a positive duration
		 * @return this builder
		 */
		public Builder refreshBeforeExpiry(Duration refreshBeforeExpiry) {
			if (refreshBeforeExpiry == null || refreshBeforeExpiry.isZero() || refreshBeforeExpiry.isNegative()) {
				throw new IllegalArgumentException("'refreshBeforeExpiry' must be positive");
			}
			this.refreshBeforeExpiry = refreshBeforeExpiry;
			return this;
		}

		/**
		 * Set how failed logins and refreshes are retried.
		 * @param retry the retry policy
		 * @return this builder
		 */
		public Builder retry(RetryPolicy retry) {
			this.retry = Objects.requireNonNull(retry, "'retry' must not be null");
			return this;
		}

		/**
		 * Build the policy.
		 * @return the policy
		 */
		public TokenRefreshPolicy build() {
			return new TokenRefreshPolicy(this);
		}

	}

}
