package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link LifecycleAwareTokenProvider} holds, for health checks and metrics. Holds
 * no token.
 *
 * @param expiresAt when the held token expires, {@code null} if none is held
 * @param lastRefreshAt when the token was last obtained, by login or renewal
 * @param lastRefresh how it was last obtained: {@code login} or {@code renewal}
 * @param failuresInARow how many refreshes failed since the last success
 * @param lastFailure the message of the last failure since the last success
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public record TokenStatus(@Nullable Instant expiresAt, @Nullable Instant lastRefreshAt, @Nullable String lastRefresh,
		int failuresInARow, @Nullable String lastFailure) {

	/**
	 * Whether a token is held that is valid at the given time.
	 * @param now the time
	 * @return {@code true} if a valid token is held
	 */
	public boolean hasValidToken(Instant now) {
		return this.expiresAt != null && now.isBefore(this.expiresAt);
	}

	/**
	 * Return how long the held token stays valid.
	 * @param now the time
	 * @return the time left, zero if none is held or it expired
	 */
	public Duration timeToExpiry(Instant now) {
		if (this.expiresAt == null || !now.isBefore(this.expiresAt)) {
			return Duration.ZERO;
		}
		return this.expiresAt.equals(Instant.MAX) ? Duration.ofSeconds(Long.MAX_VALUE)
				: Duration.between(now, this.expiresAt);
	}

}
