package io.github.infisicalawsauth.client;

import org.jspecify.annotations.Nullable;

/**
 * The answer of a login or renew call. Its {@link #toString()} never shows the token.
 *
 * @param accessToken the access token (a JWT)
 * @param expiresIn the identity's configured TTL in seconds (not the time left), 0 for
 * none
 * @param accessTokenMaxTTL the total life across renewals in seconds, 0 for none
 * @param tokenType the token type, {@code Bearer}
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public record TokenResponse(@Nullable String accessToken, long expiresIn, long accessTokenMaxTTL,
		@Nullable String tokenType) {

	@Override
	public String toString() {
		return "TokenResponse[accessToken=<redacted>, expiresIn=" + this.expiresIn + ", accessTokenMaxTTL="
				+ this.accessTokenMaxTTL + "]";
	}

}
