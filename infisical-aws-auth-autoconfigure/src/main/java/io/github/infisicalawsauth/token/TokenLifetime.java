package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.time.Instant;

import io.github.infisicalawsauth.InfisicalAccessToken;
import org.jspecify.annotations.Nullable;

/**
 * What the client knows about the token it holds, to decide when and how to refresh it.
 * Every instant is on the local clock: the server's absolute times ({@code exp},
 * {@code iat}) are only ever used as durations.
 *
 * @param token the token handed to callers
 * @param ttl the identity's TTL, {@link Duration#ZERO} for none
 * @param maxTtl the identity's max TTL, {@link Duration#ZERO} for none
 * @param firstLoginAt when the login that started the max TTL budget answered
 * @param obtainedAt when the last login or renewal answered
 * @param jwtExpiresAt when the JWT expires, from its {@code exp - iat} applied to the
 * time it was received, if it tells
 * @param expiresAt the earliest of all ends, {@code null} for none
 * @param refreshAt when to refresh, {@code null} for never
 * @author Infisical AWS Auth contributors
 */
record TokenLifetime(InfisicalAccessToken token, Duration ttl, Duration maxTtl, Instant firstLoginAt,
		Instant obtainedAt, @Nullable Instant jwtExpiresAt, @Nullable Instant expiresAt, @Nullable Instant refreshAt) {

	private static final Duration MAX_GUARD = Duration.ofSeconds(1);

	/**
	 * Whether the token can still be used at the given time.
	 * @param now the current time
	 * @return {@code true} if the token has not expired
	 */
	boolean isValidAt(Instant now) {
		return this.expiresAt == null || now.isBefore(this.expiresAt);
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
		Duration guard = Duration.between(this.obtainedAt, this.expiresAt).dividedBy(10);
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
