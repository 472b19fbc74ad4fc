package io.github.infisicalawsauth;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An Infisical access token with the instant until which it can be used. Its
 * {@link #toString()} never shows the token.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalAccessToken {

	private final String value;

	private final @Nullable Instant expiresAt;

	private InfisicalAccessToken(String value, @Nullable Instant expiresAt) {
		this.value = value;
		this.expiresAt = expiresAt;
	}

	/**
	 * Create a new token.
	 * @param value the token as sent in {@code Authorization: Bearer}
	 * @param expiresAt when the token stops being usable, or {@code null} if it has no
	 * known end
	 * @return the token
	 */
	public static InfisicalAccessToken of(String value, @Nullable Instant expiresAt) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("'value' must not be empty");
		}
		return new InfisicalAccessToken(value, expiresAt);
	}

	/**
	 * Return the token, to be sent as {@code Authorization: Bearer <value>}.
	 * @return the token value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return when the token stops being usable: the earliest of the JWT {@code exp}, the
	 * end of the current TTL window and the end of the max TTL.
	 * @return the expiry, {@link Instant#MAX} if the token has no known end
	 */
	public Instant expiresAt() {
		return (this.expiresAt != null) ? this.expiresAt : Instant.MAX;
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof InfisicalAccessToken other)) {
			return false;
		}
		return this.value.equals(other.value) && Objects.equals(this.expiresAt, other.expiresAt);
	}

	@Override
	public int hashCode() {
		return this.value.hashCode();
	}

	@Override
	public String toString() {
		return "InfisicalAccessToken[value=<redacted>, expiresAt=" + expiresAt() + "]";
	}

}
