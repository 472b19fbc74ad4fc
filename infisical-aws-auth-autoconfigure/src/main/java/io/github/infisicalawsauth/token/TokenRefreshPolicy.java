package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.client.TokenResponse;
import org.jspecify.annotations.Nullable;

/**
 * Decides how long a token lives, when to refresh it, whether to renew it or log in
 * again, and when to try again after a failure. Holds no state, so it is tested alone
 * with fixed instants.
 * <p>
 * A token's life is computed from durations the server states (the TTL {@code expiresIn},
 * the JWT's {@code exp - iat}, the max TTL) applied to the local time its answer arrived,
 * never by comparing the server's {@code exp} with the local clock: a clock that is
 * seconds or minutes off then cannot make a fresh token look expired and cause a storm of
 * logins. Refreshes are never closer together than
 * {@link Builder#minRefreshInterval(Duration) a floor}.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class TokenRefreshPolicy {

	// exp and iat are whole seconds: the real end may come up to a second earlier
	private static final Duration JWT_GRANULARITY = Duration.ofSeconds(1);

	private final Duration refreshBeforeExpiry;

	private final Duration minRefreshInterval;

	private final RetryBackoff retry;

	private final DoubleSupplier random;

	private TokenRefreshPolicy(Builder builder) {
		this.refreshBeforeExpiry = builder.refreshBeforeExpiry;
		this.minRefreshInterval = builder.minRefreshInterval;
		this.retry = builder.retry;
		this.random = builder.random;
	}

	/**
	 * Start building a policy with the defaults: refresh 1 minute before expiry, never
	 * sooner than 1 second after the last attempt, backoff from 1 second doubling up to
	 * 30 seconds.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the waits between failed attempts.
	 * @return the backoff
	 */
	public RetryBackoff getRetry() {
		return this.retry;
	}

	TokenLifetime afterLogin(TokenResponse response, Instant receivedAt) {
		return lifetime(response, receivedAt, receivedAt, null);
	}

	TokenLifetime afterRenewal(TokenLifetime previous, TokenResponse response, Instant receivedAt) {
		return lifetime(response, previous.firstLoginAt(), receivedAt, previous);
	}

	private TokenLifetime lifetime(TokenResponse response, Instant firstLoginAt, Instant receivedAt,
			@Nullable TokenLifetime previous) {
		String value = Objects.requireNonNull(response.accessToken());
		Duration ttl = Duration.ofSeconds(Math.max(0, response.expiresIn()));
		Duration maxTtl = Duration.ofSeconds(Math.max(0, response.accessTokenMaxTTL()));
		// the 2024 server renews in place: the JWT, and so its end, stays the same
		Instant jwtExpiresAt = (previous != null && previous.token().value().equals(value)) ? previous.jwtExpiresAt()
				: jwtExpiresAt(value, receivedAt);
		Instant expiresAt = TokenLifetime.earliest(jwtExpiresAt, ttl.isZero() ? null : receivedAt.plus(ttl));
		expiresAt = TokenLifetime.earliest(expiresAt, maxTtl.isZero() ? null : firstLoginAt.plus(maxTtl));
		Instant refreshAt = null;
		if (expiresAt != null) {
			Duration margin = margin(receivedAt, expiresAt);
			// up to a quarter of the margin later, so that instances started together
			// spread their refreshes
			refreshAt = latest(
					expiresAt.minus(margin).plusMillis((long) (margin.toMillis() / 4 * this.random.getAsDouble())),
					receivedAt.plus(this.minRefreshInterval));
		}
		return new TokenLifetime(InfisicalAccessToken.of(value, expiresAt), ttl, maxTtl, firstLoginAt, receivedAt,
				jwtExpiresAt, expiresAt, refreshAt);
	}

	private static @Nullable Instant jwtExpiresAt(String value, Instant receivedAt) {
		JwtClaims claims = JwtClaims.parse(value);
		if (claims.issuedAt() == null || claims.expiresAt() == null) {
			// an exp alone is an instant of the server's clock: useless on ours
			return null;
		}
		if (!claims.expiresAt().isAfter(claims.issuedAt())) {
			// no life at all is nonsense, not a reason to refresh every second: the TTLs
			// govern
			return null;
		}
		Duration life = Duration.between(claims.issuedAt(), claims.expiresAt()).minus(JWT_GRANULARITY);
		return receivedAt.plus(life.isNegative() ? Duration.ZERO : life);
	}

	/**
	 * How long before expiry the token is refreshed: the configured time, capped at a
	 * third of the token's life, so that a short TTL still leaves room for retries and is
	 * refreshed at most twice per TTL. The schedule and the renew-or-login decision both
	 * use it.
	 */
	private Duration margin(Instant obtainedAt, @Nullable Instant expiresAt) {
		if (expiresAt == null) {
			return this.refreshBeforeExpiry;
		}
		Duration third = Duration.between(obtainedAt, expiresAt).dividedBy(3);
		Duration margin = (this.refreshBeforeExpiry.compareTo(third) <= 0) ? this.refreshBeforeExpiry : third;
		return margin.isNegative() ? Duration.ZERO : margin;
	}

	/**
	 * Whether renewing is worth it: the token has a TTL and the max TTL budget left still
	 * holds a full TTL plus the refresh margin. Renewing past the max TTL makes the 2024
	 * server delete the still-valid token, so log in again instead.
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

	/**
	 * When to try again after failed attempts: the backoff, or the server's
	 * {@code Retry-After} when that is longer.
	 * @param lastAttemptAt when the last attempt started
	 * @param failuresInARow how many attempts failed in a row, at least 1
	 * @param retryAfter the server's {@code Retry-After}, if any
	 * @return the time of the next attempt
	 */
	Instant retryAt(Instant lastAttemptAt, int failuresInARow, @Nullable Duration retryAfter) {
		return lastAttemptAt.plus(this.retry.backoff(failuresInARow, retryAfter));
	}

	/**
	 * The earliest time of an attempt after a token was obtained at the given time.
	 * @param lastObtainedAt when the last login or renewal answered, or {@code null} if
	 * none did
	 * @param now the current time
	 * @return the earliest time, never before {@code now}
	 */
	Instant notBefore(@Nullable Instant lastObtainedAt, Instant now) {
		return (lastObtainedAt != null) ? latest(now, lastObtainedAt.plus(this.minRefreshInterval)) : now;
	}

	private static Instant latest(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	/**
	 * Builder of {@link TokenRefreshPolicy}.
	 */
	public static final class Builder {

		private Duration refreshBeforeExpiry = Duration.ofMinutes(1);

		private Duration minRefreshInterval = Duration.ofSeconds(1);

		private RetryBackoff retry = RetryBackoff.builder().build();

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
			this.refreshBeforeExpiry = positive(refreshBeforeExpiry, "refreshBeforeExpiry");
			return this;
		}

		/**
		 * Set the shortest time between two logins or renewals, whatever the token's life
		 * or the backoff says.
		 * @param minRefreshInterval a positive duration, 1 second by default
		 * @return this builder
		 */
		public Builder minRefreshInterval(Duration minRefreshInterval) {
			this.minRefreshInterval = positive(minRefreshInterval, "minRefreshInterval");
			return this;
		}

		/**
		 * Set the waits between failed attempts.
		 * @param retry the backoff
		 * @return this builder
		 */
		public Builder retry(RetryBackoff retry) {
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

		private static Duration positive(@Nullable Duration value, String name) {
			if (value == null || value.isZero() || value.isNegative()) {
				throw new IllegalArgumentException("'" + name + "' must be positive");
			}
			return value;
		}

	}

}
