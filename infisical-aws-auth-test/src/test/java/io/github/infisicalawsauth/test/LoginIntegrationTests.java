package io.github.infisicalawsauth.test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the AWS IAM login of {@link InfisicalTestServer}.
 *
 * @author Infisical AWS Auth contributors
 */
class LoginIntegrationTests {

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
		this.identity = this.server.addIdentity(TestClient.IDENTITY_ID);
		this.client = new TestClient(this.server, this.clock);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithSignedRequestReturnsJwt(Generation generation) {
		start(generation);
		this.identity.accessTokenTtl(Duration.ofHours(1)).accessTokenMaxTtl(Duration.ofDays(1));
		Map<String, String> headers = this.client.signedHeaders();
		assertThat(headers).containsKeys("Host", "X-Amz-Date", "X-Amz-Security-Token", "Authorization");
		HttpResponse<String> response = this.client.login(headers);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = TestClient.json(response);
		assertThat(body.get("expiresIn").asLong()).isEqualTo(3600);
		assertThat(body.get("accessTokenMaxTTL").asLong()).isEqualTo(86400);
		assertThat(body.get("tokenType").asString()).isEqualTo("Bearer");
		JsonNode payload = TestClient.jwtPayload(body.get("accessToken").asString());
		assertThat(payload.get("identityId").asString()).isEqualTo(TestClient.IDENTITY_ID);
		assertThat(payload.get("authTokenType").asString()).isEqualTo("identityAccessToken");
		assertThat(payload.get("identityAccessTokenId").asString()).isNotEmpty();
		assertThat(payload.get("iat").asLong()).isEqualTo(this.clock.instant().getEpochSecond());
		// current servers sign exp with the TTL, the 2024 server with the max TTL
		assertThat(payload.get("exp").asLong())
			.isEqualTo(this.clock.instant().getEpochSecond() + ((generation == Generation.CURRENT) ? 3600 : 86400));
		assertThat(this.server.isTokenActive(body.get("accessToken").asString())).isTrue();
		assertThat(this.server.loginCount()).isEqualTo(1);
	}

	@Test
	void loginWithoutTtlsHasNoExpOn2024AndNinetyDaysOnCurrent() {
		start(Generation.V2024);
		this.identity.accessTokenMaxTtl(Duration.ZERO);
		assertThat(TestClient.jwtPayload(this.client.loginForToken()).has("exp")).isFalse();
		this.server.close();
		start(Generation.CURRENT);
		this.identity.accessTokenTtl(Duration.ZERO).accessTokenMaxTtl(Duration.ZERO);
		JsonNode payload = TestClient.jwtPayload(this.client.loginForToken());
		assertThat(payload.get("exp").asLong() - payload.get("iat").asLong())
			.isEqualTo(Duration.ofDays(90).toSeconds());
	}

	@Test
	void loginWithLongTermCredentialsSucceeds() {
		start(Generation.CURRENT);
		this.server.addAwsCredentials("AKIDLONGTERM", "long-term-secret", null, TestClient.ACCOUNT,
				"arn:aws:iam::123456789012:user/ci");
		Map<String, String> headers = this.client.signedHeaders(
				AwsCredentialsIdentity.create("AKIDLONGTERM", "long-term-secret"), "sts.eu-west-1.amazonaws.com",
				"eu-west-1");
		assertThat(headers).doesNotContainKey("X-Amz-Security-Token");
		assertThat(this.client.login(headers).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithTamperedSignatureIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders();
		String authorization = headers.get("Authorization");
		char last = authorization.charAt(authorization.length() - 1);
		headers.put("Authorization",
				authorization.substring(0, authorization.length() - 1) + ((last == '0') ? '1' : '0'));
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithWrongSecretIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders(AwsSessionCredentialsIdentity
			.create(TestClient.ACCESS_KEY_ID, "not-the-secret", TestClient.SESSION_TOKEN),
				"sts.us-east-1.amazonaws.com", "us-east-1");
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithUnknownAccessKeyIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders(
				AwsSessionCredentialsIdentity.create("AKIDUNKNOWN", TestClient.SECRET_KEY, TestClient.SESSION_TOKEN),
				"sts.us-east-1.amazonaws.com", "us-east-1");
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithoutSessionTokenIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders(
				AwsCredentialsIdentity.create(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY),
				"sts.us-east-1.amazonaws.com", "us-east-1");
		assertThat(headers).doesNotContainKey("X-Amz-Security-Token");
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithUnsignedSessionTokenIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders(
				AwsCredentialsIdentity.create(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY),
				"sts.us-east-1.amazonaws.com", "us-east-1");
		headers.put("X-Amz-Security-Token", TestClient.SESSION_TOKEN);
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginSignedSixteenMinutesAgoIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders();
		this.clock.advance(Duration.ofMinutes(16));
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginSignedFourteenMinutesAgoSucceeds(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders();
		this.clock.advance(Duration.ofMinutes(14));
		assertThat(this.client.login(headers).statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginSignedForGlobalEndpointIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders(TestClient.sessionCredentials(), "sts.amazonaws.com",
				"us-east-1");
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithScopeRegionNotMatchingHostIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders(TestClient.sessionCredentials(),
				"sts.us-east-1.amazonaws.com", "eu-west-1");
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithWrongContentLengthIsRejected(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders();
		headers.put("Content-Length", "44");
		assertStsRejected(generation, this.client.login(headers));
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginWithOtherBodyIsRejected(Generation generation) {
		start(generation);
		ObjectNode body = TestClient.loginBody(TestClient.IDENTITY_ID, this.client.signedHeaders());
		body.put("iamRequestBody", java.util.Base64.getEncoder().encodeToString("Action=GetSessionToken".getBytes()));
		assertStsRejected(generation, this.client.post(InfisicalTestServer.LOGIN_PATH, body));
	}

	@Test
	void loginOn2024WithLowercaseHostKeyFailsBecauseServerUsesGlobalEndpoint() {
		start(Generation.V2024);
		Map<String, String> headers = new LinkedHashMap<>();
		this.client.signedHeaders().forEach((name, value) -> headers.put(name.equals("Host") ? "host" : name, value));
		assertStsRejected(Generation.V2024, this.client.login(headers));
	}

	@Test
	void loginOnCurrentAcceptsLowercaseHostKey() {
		start(Generation.CURRENT);
		Map<String, String> headers = new LinkedHashMap<>();
		this.client.signedHeaders().forEach((name, value) -> headers.put(name.equals("Host") ? "host" : name, value));
		assertThat(this.client.login(headers).statusCode()).isEqualTo(200);
	}

	@Test
	void loginOnCurrentWithoutAuthorizationKeyIsInvalidRegion() {
		start(Generation.CURRENT);
		Map<String, String> headers = this.client.signedHeaders();
		headers.put("authorization", headers.remove("Authorization"));
		HttpResponse<String> response = this.client.login(headers);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(TestClient.json(response).get("message").asString()).isEqualTo("Invalid AWS region");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginAskingStsForXmlFailsWithServerError(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders();
		headers.put("Accept", "application/xml");
		HttpResponse<String> response = this.client.login(headers);
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(TestClient.json(response).get("message").asString()).isEqualTo("Something went wrong");
	}

	@Test
	void validationFailureOnCurrentIs422WithIssuesAndRequestId() {
		start(Generation.CURRENT);
		ObjectNode body = Json.MAPPER.createObjectNode().put("identityId", TestClient.IDENTITY_ID);
		HttpResponse<String> response = this.client.post(InfisicalTestServer.LOGIN_PATH, body);
		assertThat(response.statusCode()).isEqualTo(422);
		JsonNode json = TestClient.json(response);
		assertThat(json.get("reqId").asString()).startsWith("req-");
		assertThat(json.get("error").asString()).isEqualTo("ValidationFailure");
		assertThat(json.get("message").isArray()).isTrue();
		assertThat(json.get("message").get(0).get("path").get(0).asString()).isEqualTo("iamRequestBody");
	}

	@Test
	void validationFailureOn2024Is401LikeTheFixture() {
		start(Generation.V2024);
		ObjectNode body = Json.MAPPER.createObjectNode().put("identityId", TestClient.IDENTITY_ID);
		HttpResponse<String> response = this.client.post(InfisicalTestServer.LOGIN_PATH, body);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).isEqualTo("{\"statusCode\":401,\"message\":["
				+ "{\"code\":\"invalid_type\",\"expected\":\"string\",\"received\":\"undefined\",\"path\":[\"iamRequestBody\"],\"message\":\"Required\"},"
				+ "{\"code\":\"invalid_type\",\"expected\":\"string\",\"received\":\"undefined\",\"path\":[\"iamRequestHeaders\"],\"message\":\"Required\"}],"
				+ "\"error\":\"ValidationFailure\"}");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginForUnknownIdentityIsNotFound(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.post(InfisicalTestServer.LOGIN_PATH,
				TestClient.loginBody("unknown-identity", this.client.signedHeaders()));
		assertThat(response.statusCode()).isEqualTo(404);
		JsonNode json = TestClient.json(response);
		assertThat(json.get("message").asString())
			.isEqualTo("AWS auth method not found for identity, did you configure AWS auth?");
		assertThat(json.get("error").asString()).isEqualTo("NotFound");
		assertThat(json.has("reqId")).isEqualTo(generation == Generation.CURRENT);
	}

	@Test
	void loginFromAccountNotAllowedIsUnauthorized() {
		start(Generation.CURRENT);
		this.identity.allowedAccounts("999999999999");
		HttpResponse<String> response = this.client.login();
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestClient.json(response).get("message").asString())
			.isEqualTo("Access denied: AWS account ID not allowed.");
	}

	@Test
	void loginFromPrincipalNotAllowedNamesTheNormalizedRoleArn() {
		start(Generation.CURRENT);
		this.identity.allowedAccounts(TestClient.ACCOUNT).allowedPrincipalArns("arn:aws:iam::123456789012:role/other");
		HttpResponse<String> response = this.client.login();
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestClient.json(response).get("message").asString()).isEqualTo(
				"Access denied: AWS principal ARN not allowed. [principal-arn=arn:aws:iam::123456789012:role/app-role]");
	}

	@Test
	void loginMatchesAssumedRoleAgainstWildcardRoleArn() {
		start(Generation.CURRENT);
		this.identity.allowedPrincipalArns("arn:aws:iam::123456789012:user/x", "arn:aws:iam::123456789012:role/app-*");
		assertThat(this.client.login().statusCode()).isEqualTo(200);
	}

	@Test
	void loginWithUnknownOrganizationSlugIsNotFoundOnCurrent() {
		start(Generation.CURRENT);
		this.server.addOrganization("team-a");
		ObjectNode body = TestClient.loginBody(TestClient.IDENTITY_ID, this.client.signedHeaders());
		body.put("organizationSlug", "team-b");
		HttpResponse<String> response = this.client.post(InfisicalTestServer.LOGIN_PATH, body);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(TestClient.json(response).get("message").asString())
			.isEqualTo("Sub organization with slug team-b not found");
		body = TestClient.loginBody(TestClient.IDENTITY_ID, this.client.signedHeaders());
		body.put("organizationSlug", "team-a");
		assertThat(this.client.post(InfisicalTestServer.LOGIN_PATH, body).statusCode()).isEqualTo(200);
	}

	@Test
	void loginOn2024IgnoresOrganizationSlug() {
		start(Generation.V2024);
		ObjectNode body = TestClient.loginBody(TestClient.IDENTITY_ID, this.client.signedHeaders());
		body.put("organizationSlug", "team-b");
		assertThat(this.client.post(InfisicalTestServer.LOGIN_PATH, body).statusCode()).isEqualTo(200);
	}

	@Test
	void loginIsRecordedWithItsBody() {
		start(Generation.CURRENT);
		this.client.login();
		RecordedRequest request = this.server.requests(InfisicalTestServer.LOGIN_PATH).get(0);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.header("content-type")).isEqualTo("application/json");
		assertThat(Json.MAPPER.readTree(request.body()).get("identityId").asString()).isEqualTo(TestClient.IDENTITY_ID);
	}

	private void assertStsRejected(Generation generation, HttpResponse<String> response) {
		JsonNode json = TestClient.json(response);
		if (generation == Generation.V2024) {
			assertThat(response.statusCode()).isEqualTo(500);
			assertThat(json.get("message").asString()).isEqualTo("Something went wrong");
			assertThat(json.get("error").asString()).isEqualTo("InternalServerError");
			assertThat(json.has("reqId")).isFalse();
		}
		else {
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(json.get("message").asString()).isEqualTo("STS verification failed");
			assertThat(json.get("reqId").asString()).startsWith("req-");
		}
	}

}
