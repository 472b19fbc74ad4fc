package io.github.infisicalawsauth.test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the access token lifecycle of {@link InfisicalTestServer}.
 *
 * @author Infisical AWS Auth contributors
 */
class TokenIntegrationTests {

	private static final String SECRETS = "/api/v3/secrets/raw?workspaceId=p1&environment=dev&secretPath=/";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	private TestClient client;

	private IdentitySpec identity;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private void start(Generation generation) {
		this.server = InfisicalTestServer.builder().generation(generation).clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.identity = this.server.addIdentity(TestClient.IDENTITY_ID)
			.accessTokenTtl(Duration.ofHours(1))
			.accessTokenMaxTtl(Duration.ofHours(3))
			.canReadProject("p1");
		this.server.project("p1").environment("dev").secret("KEY", "value");
		this.client = new TestClient(this.server, this.clock);
	}

	@Test
	void renewOn2024ReturnsSameToken() {
		start(Generation.V2024);
		String token = this.client.loginForToken();
		this.clock.advance(Duration.ofMinutes(50));
		HttpResponse<String> response = this.client.renew(token);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = TestClient.json(response);
		assertThat(body.get("accessToken").asString()).isEqualTo(token);
		assertThat(body.get("expiresIn").asLong()).isEqualTo(3600);
		assertThat(body.get("accessTokenMaxTTL").asLong()).isEqualTo(10800);
		this.clock.advance(Duration.ofMinutes(50));
		assertThat(this.client.get(SECRETS, token).statusCode()).isEqualTo(200);
		assertThat(this.server.renewCount()).isEqualTo(1);
	}

	@Test
	void renewOnCurrentReturnsNewTokenAndOldStaysValid() {
		start(Generation.CURRENT);
		String token = this.client.loginForToken();
		this.clock.advance(Duration.ofMinutes(50));
		HttpResponse<String> response = this.client.renew(token);
		assertThat(response.statusCode()).isEqualTo(200);
		String renewed = TestClient.json(response).get("accessToken").asString();
		assertThat(renewed).isNotEqualTo(token);
		JsonNode oldPayload = TestClient.jwtPayload(token);
		JsonNode newPayload = TestClient.jwtPayload(renewed);
		assertThat(newPayload.get("identityAccessTokenId")).isEqualTo(oldPayload.get("identityAccessTokenId"));
		assertThat(newPayload.get("iat").asLong()).isEqualTo(this.clock.instant().getEpochSecond());
		assertThat(this.client.get(SECRETS, token).statusCode()).isEqualTo(200);
		assertThat(this.client.get(SECRETS, renewed).statusCode()).isEqualTo(200);
	}

	@Test
	void renewPastMaxTtlOn2024DeletesToken() {
		start(Generation.V2024);
		String token = this.client.loginForToken();
		renewTwiceWithinMaxTtl(token);
		HttpResponse<String> response = this.client.renew(token);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestClient.json(response).get("message").asString())
			.isEqualTo("Failed to renew MI access token past its Max TTL expiration");
		assertThat(this.server.isTokenActive(token)).isFalse();
		HttpResponse<String> read = this.client.get(SECRETS, token);
		assertThat(read.statusCode()).isEqualTo(401);
		assertThat(read.body()).isEqualTo(
				"{\"statusCode\":401,\"message\":\"No identity access token found\",\"error\":\"UnauthorizedError\"}");
	}

	@Test
	void renewPastMaxTtlOnCurrentIsRefusedAndTokenStaysValid() {
		start(Generation.CURRENT);
		String token = this.client.loginForToken();
		String renewed = renewTwiceWithinMaxTtl(token);
		HttpResponse<String> response = this.client.renew(renewed);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestClient.json(response).get("message").asString())
			.isEqualTo("Cannot renew: identity access token has reached its max TTL");
		assertThat(this.server.isTokenActive(renewed)).isTrue();
		assertThat(this.client.get(SECRETS, renewed).statusCode()).isEqualTo(200);
	}

	private String renewTwiceWithinMaxTtl(String token) {
		String current = token;
		for (int i = 0; i < 2; i++) {
			this.clock.advance(Duration.ofMinutes(50));
			HttpResponse<String> response = this.client.renew(current);
			assertThat(response.statusCode()).isEqualTo(200);
			current = TestClient.json(response).get("accessToken").asString();
		}
		this.clock.advance(Duration.ofMinutes(50));
		return current;
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void revokedTokenIsRejected(Generation generation) {
		start(generation);
		String token = this.client.loginForToken();
		HttpResponse<String> response = this.client.revoke(token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"message\":\"Successfully revoked access token\"}");
		assertThat(this.server.revokeCount()).isEqualTo(1);
		assertThat(this.server.isTokenActive(token)).isFalse();
		assertThat(this.client.get(SECRETS, token).statusCode()).isEqualTo(401);
		assertThat(this.client.renew(token).statusCode()).isEqualTo(401);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void expiredJwtIsTokenError(Generation generation) {
		start(generation);
		String token = this.client.loginForToken();
		this.clock.advance(Duration.ofHours(3));
		HttpResponse<String> response = this.client.get(SECRETS, token);
		assertThat(response.statusCode()).isEqualTo(403);
		JsonNode body = TestClient.json(response);
		assertThat(body.get("error").asString()).isEqualTo("TokenError");
		assertThat(body.get("message").asString()).isEqualTo("Your token has expired. Please re-authenticate.");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void tokenPastTtlWindowIsRefused(Generation generation) {
		start(generation);
		String token = this.client.loginForToken();
		this.clock.advance(Duration.ofMinutes(61));
		HttpResponse<String> response = this.client.get(SECRETS, token);
		// current servers sign the JWT's exp with the TTL: its expiry is a TokenError;
		// the 2024 server's JWT lives for the max TTL and the TTL window is checked
		// after
		int status = (generation == Generation.CURRENT) ? 403 : 401;
		String error = (generation == Generation.CURRENT) ? "TokenError" : "UnauthorizedError";
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(TestClient.json(response).get("error").asString()).isEqualTo(error);
		assertThat(this.client.renew(token).statusCode()).isEqualTo(status);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void tokenWithUsesLimitIsRejectedAfterLastUse(Generation generation) {
		start(generation);
		this.identity.numUsesLimit(2);
		String token = this.client.loginForToken();
		assertThat(this.client.get(SECRETS, token).statusCode()).isEqualTo(200);
		assertThat(this.client.get(SECRETS, token).statusCode()).isEqualTo(200);
		assertThat(this.client.get(SECRETS, token).statusCode()).isEqualTo(401);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void missingTokenIsUnauthorized(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.get(SECRETS, null);
		assertThat(response.statusCode()).isEqualTo(401);
		JsonNode body = TestClient.json(response);
		assertThat(body.get("message").asString()).isEqualTo("Token missing");
		assertThat(body.get("error").asString()).isEqualTo("UnauthorizedError");
		response = this.client.get(SECRETS, null, "Authorization", "bearer " + this.client.loginForToken());
		assertThat(response.statusCode()).isEqualTo(401);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void malformedOrForgedTokenIsTokenError(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.get(SECRETS, "not-a-jwt");
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(TestClient.json(response).get("error").asString()).isEqualTo("TokenError");
		assertThat(TestClient.json(response).get("message").asString()).isEqualTo("invalid token");
		String token = this.client.loginForToken();
		String[] parts = token.split("\\.");
		String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
				+ (parts[2].endsWith("AA") ? "BB" : "AA");
		assertThat(this.client.get(SECRETS, forged).statusCode()).isEqualTo(403);
		assertThat(this.client.renew(forged).statusCode()).isEqualTo(403);
	}

	@Test
	void revokeAllTokensRevokesEveryToken() {
		start(Generation.CURRENT);
		String first = this.client.loginForToken();
		String second = this.client.loginForToken();
		this.server.revokeAllTokens();
		assertThat(this.server.isTokenActive(first)).isFalse();
		assertThat(this.server.isTokenActive(second)).isFalse();
	}

	@Test
	void renewWithoutAccessTokenIsValidationFailure() {
		start(Generation.CURRENT);
		HttpResponse<String> response = this.client.post(InfisicalTestServer.RENEW_PATH,
				Json.MAPPER.createObjectNode());
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(TestClient.json(response).get("message").get(0).get("path").get(0).asString())
			.isEqualTo("accessToken");
	}

}
