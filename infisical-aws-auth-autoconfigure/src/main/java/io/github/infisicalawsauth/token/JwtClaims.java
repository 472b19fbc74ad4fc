package io.github.infisicalawsauth.token;

import java.time.Instant;
import java.util.Base64;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The time claims of a JWT, read without checking its signature: only the server needs to
 * trust them, the client only plans with them.
 *
 * @param issuedAt the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 * @author Infisical AWS Auth contributors
 */
record JwtClaims(@Nullable Instant issuedAt, @Nullable Instant expiresAt) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final JwtClaims NONE = new JwtClaims(null, null);

	static JwtClaims parse(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return NONE;
		}
		try {
			JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
			if (payload == null || !payload.isObject()) {
				return NONE;
			}
			return new JwtClaims(seconds(payload.get("iat")), seconds(payload.get("exp")));
		}
		catch (IllegalArgumentException | JacksonException ex) {
			return NONE;
		}
	}

	private static @Nullable Instant seconds(@Nullable JsonNode node) {
		return (node != null && node.isNumber()) ? Instant.ofEpochSecond(node.asLong()) : null;
	}

}
