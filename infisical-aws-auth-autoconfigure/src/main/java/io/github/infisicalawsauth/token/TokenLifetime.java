package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.time.Instant;

import io.github.infisicalawsauth.InfisicalAccessToken;
import org.jspecify.annotations.Nullable;

/**
 * What the client knows about the token it holds, to decide when and how to refresh it.
 *
 * @param token the token handed to callers
 * @param ttl the identity's TTL, {@link Duration#ZERO} for none
 * @param maxTtl the identity's max TTL, {@link Duration#ZERO} for none
 * @param firstLoginAt when the login that started the max TTL budget happened
 * @param obtainedAt when the last login or renewal answered
 * @param jwtExpiresAt the JWT {@code exp}, if any
 * @param expiresAt the earliest of all ends, {@code null} for none
 * @param refreshAt when to refresh, {@code null} for never
 * @author Infisical AWS Auth contributors
 */
record TokenLifetime(InfisicalAccessToken token, Duration ttl, Duration maxTtl, Instant firstLoginAt,
		Instant obtainedAt, @Nullable Instant jwtExpiresAt, @Nullable Instant expiresAt, @Nullable Instant refreshAt) {

	private static final Duration MAX_GUARD = Duration.ofSeconds(1);

	/**
	 * Whether the token can still be used at the given time. Kept allocation-free for the
	 * hot path.
	 * @param nowMillis the current time in epoch milliseconds
	 * @return {@code true} if the token has not expired
	 */
	boolean isValidAt(long nowMillis) {
		return this.expiresAt == null || nowMillis < this.expiresAt.toEpochMilli();
	}

	/**
	 * When to stop handing out the token: a tenth of its life before it expires, at most
	 * a second, so that it still works for the request it is handed to.
	 * @return the time, {@code null} for never
	 */
	@Nullable Instant dropAt() {
		if (this.expiresAt == null) {
			return null;
		}
		Duration life = Duration.between(this.obtainedAt, this.expiresAt);
		Duration guard = life.dividedBy(10);
		return this.expiresAt.minus((guard.compareTo(MAX_GUARD) < 0) ? guard : MAX_GUARD);
	}

	static @Nullable Instant earliest(@Nullable Instant a, @Nullable Instant b) {
		if (a == null) {
			return b;
		}
		return (b == null || a.isBefore(b)) ? a : b;
	}

	@Override
	public String toString() {
		return "TokenLifetime[ttl=" + this.ttl + ", maxTtl=" + this.maxTtl + ", obtainedAt=" + this.obtainedAt
				+ ", expiresAt=" + this.expiresAt + ", refreshAt=" + this.refreshAt + "]";
	}

}
