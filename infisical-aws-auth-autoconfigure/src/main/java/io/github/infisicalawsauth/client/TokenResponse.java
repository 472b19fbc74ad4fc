package io.github.infisicalawsauth.client;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;

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

	/**
	 * Read a login or renew answer; unknown properties are skipped, numbers given as
	 * strings are read as numbers.
	 * @param parser the parser, before the answer's first token
	 * @return the answer
	 * @throws tools.jackson.core.JacksonException if the body is not a JSON object
	 */
	public static TokenResponse read(JsonParser parser) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			throw new StreamReadException(parser, "expected a JSON object");
		}
		String accessToken = null;
		long expiresIn = 0;
		long maxTtl = 0;
		String tokenType = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			switch (name) {
				case "accessToken" -> accessToken = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
				case "expiresIn" -> expiresIn = number(parser);
				case "accessTokenMaxTTL" -> maxTtl = number(parser);
				case "tokenType" -> tokenType = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
				default -> parser.skipChildren();
			}
		}
		return new TokenResponse(accessToken, expiresIn, maxTtl, tokenType);
	}

	private static long number(JsonParser parser) {
		if (parser.currentToken().isStructStart()) {
			parser.skipChildren();
			return 0;
		}
		return parser.getValueAsLong(0);
	}

	@Override
	public String toString() {
		return "TokenResponse[accessToken=<redacted>, expiresIn=" + this.expiresIn + ", accessTokenMaxTTL="
				+ this.accessTokenMaxTTL + "]";
	}

}
