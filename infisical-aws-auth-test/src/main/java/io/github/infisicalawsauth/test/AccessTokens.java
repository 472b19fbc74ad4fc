package io.github.infisicalawsauth.test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issues, validates, renews and revokes identity access tokens: HS256 JWTs signed with a
 * random per-server key, backed by server-side state per token id as on the real server.
 *
 * @author Infisical AWS Auth contributors
 */
final class AccessTokens {

	static final Duration CURRENT_LIFETIME_CAP = Duration.ofDays(90);

	private static final String JWT_HEADER = base64Url(
			"{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

	private static final String TOKEN_TYPE = "identityAccessToken";

	private static final String NOT_FOUND = "No identity access token found";

	private final byte[] key = new byte[32];

	private final Generation generation;

	private final Clock clock;

	private final Map<String, TokenState> tokens = new ConcurrentHashMap<>();

	AccessTokens(Generation generation, Clock clock) {
		this.generation = generation;
		this.clock = clock;
		new SecureRandom().nextBytes(this.key);
	}

	/**
	 * Issue a token after a successful login.
	 * @param identity the identity that logged in
	 * @return the token and its state
	 */
	Issued issue(IdentitySpec identity) {
		Instant now = this.clock.instant();
		TokenState state = new TokenState(UUID.randomUUID().toString(), identity.identityId(), now,
				identity.accessTokenTtl().getSeconds(), identity.accessTokenMaxTtl().getSeconds(),
				identity.numUsesLimit());
		this.tokens.put(state.id, state);
		// the 2024 server signs exp with the max TTL; current servers with the TTL, and
		// cap every token
		long lifetime = this.generation.signsLoginJwtWithTtl() ? state.ttl : state.maxTtl;
		if (this.generation.capsTokenLifetime()) {
			lifetime = (lifetime > 0) ? Math.min(lifetime, CURRENT_LIFETIME_CAP.getSeconds())
					: CURRENT_LIFETIME_CAP.getSeconds();
		}
		return new Issued(sign(state, now, lifetime), state);
	}

	/**
	 * Validate a token presented as {@code Authorization: Bearer} and count one use.
	 * @param token the JWT
	 * @return the token state
	 */
	TokenState authenticate(String token) {
		TokenState state = find(token);
		synchronized (state) {
			checkUsable(state, this.clock.instant());
			state.uses++;
		}
		return state;
	}

	/**
	 * Renew a token: restart its TTL window.
	 * @param token the JWT
	 * @return the token to hand back and its state
	 */
	Issued renew(String token) {
		TokenState state = find(token);
		Instant now = this.clock.instant();
		synchronized (state) {
			checkUsable(state, now);
			if (state.maxTtl > 0) {
				Instant maxEnd = state.createdAt.plusSeconds(state.maxTtl);
				if (now.plusSeconds(state.ttl).isAfter(maxEnd)) {
					if (this.generation.deletesTokenRenewedPastMaxTtl()) {
						this.tokens.remove(state.id);
						throw ApiError.unauthorized("Failed to renew MI access token past its Max TTL expiration");
					}
					throw ApiError.unauthorized("Cannot renew: identity access token has reached its max TTL");
				}
			}
			state.lastRenewedAt = now;
		}
		if (!this.generation.renewIssuesNewToken()) {
			return new Issued(token, state);
		}
		long lifetime = (state.ttl > 0) ? Math.min(state.ttl, CURRENT_LIFETIME_CAP.getSeconds())
				: CURRENT_LIFETIME_CAP.getSeconds();
		return new Issued(sign(state, now, lifetime), state);
	}

	/**
	 * Revoke a token.
	 * @param token the JWT
	 */
	void revoke(String token) {
		TokenState state = find(token);
		synchronized (state) {
			state.revoked = true;
		}
	}

	void revokeAll() {
		this.tokens.values().forEach((state) -> {
			synchronized (state) {
				state.revoked = true;
			}
		});
	}

	boolean isActive(String token) {
		try {
			TokenState state = find(token);
			synchronized (state) {
				return usableProblem(state, this.clock.instant()) == null;
			}
		}
		catch (ApiError ex) {
			return false;
		}
	}

	private TokenState find(String token) {
		JsonNode payload = verifySignature(token);
		JsonNode exp = payload.get("exp");
		if (exp != null && exp.isNumber() && this.clock.instant().getEpochSecond() >= exp.asLong()) {
			throw ApiError.tokenError("Your token has expired. Please re-authenticate.");
		}
		JsonNode type = payload.get("authTokenType");
		JsonNode id = payload.get("identityAccessTokenId");
		if (type == null || !TOKEN_TYPE.equals(type.asString()) || id == null || !id.isString()) {
			throw ApiError.unauthorized("You are not authorized to access this resource");
		}
		TokenState state = this.tokens.get(id.asString());
		if (state == null || state.revoked) {
			throw ApiError.unauthorized(NOT_FOUND);
		}
		return state;
	}

	private void checkUsable(TokenState state, Instant now) {
		String problem = usableProblem(state, now);
		if (problem != null) {
			this.tokens.remove(state.id);
			throw ApiError.unauthorized(problem);
		}
	}

	private @Nullable String usableProblem(TokenState state, Instant now) {
		if (state.revoked || !this.tokens.containsKey(state.id)) {
			return NOT_FOUND;
		}
		if (state.numUsesLimit > 0 && state.uses >= state.numUsesLimit) {
			return this.generation.usesLimitReachedMessage();
		}
		if (state.ttl > 0) {
			Instant windowStart = (state.lastRenewedAt != null) ? state.lastRenewedAt : state.createdAt;
			if (now.isAfter(windowStart.plusSeconds(state.ttl))) {
				return "Failed to renew MI access token due to TTL expiration";
			}
		}
		if (state.maxTtl > 0 && now.isAfter(state.createdAt.plusSeconds(state.maxTtl))) {
			return "Failed to renew MI access token due to Max TTL expiration";
		}
		return null;
	}

	private String sign(TokenState state, Instant now, long lifetimeSeconds) {
		ObjectNode payload = Json.MAPPER.createObjectNode();
		payload.put("identityId", state.identityId);
		payload.put("identityAccessTokenId", state.id);
		payload.put("authTokenType", TOKEN_TYPE);
		payload.put("iat", now.getEpochSecond());
		if (lifetimeSeconds > 0) {
			payload.put("exp", now.getEpochSecond() + lifetimeSeconds);
		}
		String signingInput = JWT_HEADER + "."
				+ base64Url(Json.MAPPER.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8));
		return signingInput + "." + base64Url(FakeSecurityTokenService.hmac(this.key, signingInput));
	}

	private JsonNode verifySignature(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			throw ApiError.tokenError("invalid token");
		}
		byte[] expected = base64Url(FakeSecurityTokenService.hmac(this.key, parts[0] + "." + parts[1]))
			.getBytes(StandardCharsets.US_ASCII);
		if (!JWT_HEADER.equals(parts[0])
				|| !MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
			throw ApiError.tokenError("invalid token");
		}
		try {
			JsonNode payload = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
			if (payload == null || !payload.isObject()) {
				throw ApiError.tokenError("invalid token");
			}
			return payload;
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw ApiError.tokenError("invalid token");
		}
	}

	private static String base64Url(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * A token handed to a client with the state it belongs to.
	 */
	record Issued(String token, TokenState state) {

		@Override
		public String toString() {
			return "Issued[id=" + this.state.id + "]";
		}

	}

	/**
	 * Server-side state of one access token. Guarded by its own monitor.
	 */
	static final class TokenState {

		final String id;

		final String identityId;

		final Instant createdAt;

		final long ttl;

		final long maxTtl;

		final int numUsesLimit;

		@Nullable Instant lastRenewedAt;

		int uses;

		boolean revoked;

		TokenState(String id, String identityId, Instant createdAt, long ttl, long maxTtl, int numUsesLimit) {
			this.id = id;
			this.identityId = identityId;
			this.createdAt = createdAt;
			this.ttl = ttl;
			this.maxTtl = maxTtl;
			this.numUsesLimit = numUsesLimit;
		}

	}

}
