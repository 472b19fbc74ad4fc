package io.github.infisicalawsauth.token;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The time claims of a JWT, read without checking its signature: only the server needs to
 * trust them, the client only plans with them.
 *
 * @param issuedAt the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 * @author Infisical AWS Auth contributors
 */
record JwtClaims(@Nullable Instant issuedAt, @Nullable Instant expiresAt) {

	// the streaming parser alone: no object mapper to build for two numbers
	private static final JsonFactory JSON = new JsonFactory();

	static final JwtClaims NONE = new JwtClaims(null, null);

	static JwtClaims parse(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return NONE;
		}
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(),
				Base64.getUrlDecoder().decode(parts[1]))) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return NONE;
			}
			Instant issuedAt = null;
			Instant expiresAt = null;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
					if ("iat".equals(name)) {
						issuedAt = Instant.ofEpochSecond(parser.getValueAsLong());
					}
					else if ("exp".equals(name)) {
						expiresAt = Instant.ofEpochSecond(parser.getValueAsLong());
					}
				}
				else {
					parser.skipChildren();
				}
			}
			return new JwtClaims(issuedAt, expiresAt);
		}
		catch (IllegalArgumentException | DateTimeException | JacksonException ex) {
			// DateTimeException: an instant beyond what Instant holds
			return NONE;
		}
	}

}
