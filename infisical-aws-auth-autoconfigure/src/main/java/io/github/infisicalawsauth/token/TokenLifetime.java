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
 * @param usableUntil {@link #dropAt()} in milliseconds since the epoch,
 * {@link Long#MAX_VALUE} for never: read on every {@code getToken()}, where an
 * {@link Instant} would cost an object
 * @author Infisical AWS Auth contributors
 */
record TokenLifetime(InfisicalAccessToken token, Duration ttl, Duration maxTtl, Instant firstLoginAt,
		Instant obtainedAt, @Nullable Instant jwtExpiresAt, @Nullable Instant expiresAt, @Nullable Instant refreshAt,
		long usableUntil) {

	private static final Duration MAX_GUARD = Duration.ofSeconds(1);

	TokenLifetime(InfisicalAccessToken token, Duration ttl, Duration maxTtl, Instant firstLoginAt, Instant obtainedAt,
			@Nullable Instant jwtExpiresAt, @Nullable Instant expiresAt, @Nullable Instant refreshAt) {
		this(token, ttl, maxTtl, firstLoginAt, obtainedAt, jwtExpiresAt, expiresAt, refreshAt,
				millis(dropAt(obtainedAt, expiresAt)));
	}

	/**
	 * Whether the token may still be handed out at the given time.
	 * @param epochMillis the current time in milliseconds since the epoch
	 * @return {@code true} before {@link #dropAt()}
	 */
	boolean isUsableAt(long epochMillis) {
		return epochMillis < this.usableUntil;
	}

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
		return dropAt(this.obtainedAt, this.expiresAt);
	}

	private static @Nullable Instant dropAt(Instant obtainedAt, @Nullable Instant expiresAt) {
		if (expiresAt == null) {
			return null;
		}
		Duration guard = Duration.between(obtainedAt, expiresAt).dividedBy(10);
		if (guard.isNegative()) {
			return expiresAt;
		}
		return expiresAt.minus((guard.compareTo(MAX_GUARD) < 0) ? guard : MAX_GUARD);
	}

	private static long millis(@Nullable Instant instant) {
		return (instant != null) ? instant.toEpochMilli() : Long.MAX_VALUE;
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
