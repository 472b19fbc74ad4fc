package io.github.infisicalawsauth.test;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Integration tests for STS refusals on the AWS IAM login of {@link InfisicalTestServer}:
 * injected with {@link Fault#stsRefusal(String, String)} and
 * {@link Fault#stsUnreachable()}, and real ones.
 *
 * @author Infisical AWS Auth contributors
 */
class StsFaultsIntegrationTests {

	/**
	 * The body of the fixtures {@code error-500-login-sts-*} of the October 2024 server.
	 */
	private static final String SOMETHING_WENT_WRONG = "{\"statusCode\":500,\"message\":\"Something went wrong\","
			+ "\"error\":\"InternalServerError\"}";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	private TestClient client;

	@BeforeEach
	@AfterEach
	void resetSdkClockOffset() {
		// the SDK keeps one clock offset for all its clients
		SdkGlobalTime.setGlobalTimeOffset(0);
	}

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private void start(Generation generation, Clock serverClock, Clock clientClock) {
		this.server = InfisicalTestServer.builder().generation(generation).clock(serverClock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addIdentity(TestClient.IDENTITY_ID);
		this.client = new TestClient(this.server, clientClock);
	}

	private void start(Generation generation) {
		start(generation, this.clock, this.clock);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void stsRefusalIsAnsweredAsTheGenerationAnswersARealRefusal(Generation generation) {
		start(generation);
		this.server.enqueueFaults(InfisicalTestServer.LOGIN_PATH,
				Fault.stsRefusal("ExpiredToken", "The security token included in the request is expired"));
		assertStsRefused(generation, this.client.login());
		assertThat(this.client.login().statusCode()).isEqualTo(200);
		assertThat(this.server.loginCount()).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void stsUnreachableIsServerErrorOnBothGenerations(Generation generation) {
		start(generation);
		this.server.failAlways(InfisicalTestServer.LOGIN_PATH, Fault.stsUnreachable());
		HttpResponse<String> response = this.client.login();
		assertThat(response.statusCode()).isEqualTo(500);
		if (generation == Generation.V2024) {
			assertThat(response.body()).isEqualTo(SOMETHING_WENT_WRONG);
		}
		else {
			assertThat(TestClient.json(response).get("message").asString()).isEqualTo("Something went wrong");
			assertThat(TestClient.json(response).get("reqId").asString()).startsWith("req-");
		}
		assertThat(this.client.login().statusCode()).isEqualTo(500);
		this.server.clearFaults();
		assertThat(this.client.login().statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void checksBeforeStsStillWin(Generation generation) {
		start(generation);
		this.server.failAlways(InfisicalTestServer.LOGIN_PATH, Fault.stsRefusal("SignatureDoesNotMatch", "no"));
		HttpResponse<String> unknownIdentity = this.client.post(InfisicalTestServer.LOGIN_PATH,
				TestClient.loginBody("unknown-identity", this.client.signedHeaders()));
		assertThat(unknownIdentity.statusCode()).isEqualTo(404);
		ObjectNode invalid = Json.MAPPER.createObjectNode().put("identityId", TestClient.IDENTITY_ID);
		assertThat(this.client.post(InfisicalTestServer.LOGIN_PATH, invalid).statusCode())
			.isEqualTo((generation == Generation.CURRENT) ? 422 : 401);
	}

	@Test
	void stsFaultsLeaveOtherRoutesAlone() {
		start(Generation.CURRENT);
		String token = this.client.loginForToken();
		this.server.enqueueFaults("/api", Fault.stsRefusal("AccessDenied", "no"), Fault.stsUnreachable());
		assertThat(this.client.renew(token).statusCode()).isEqualTo(200);
		assertThat(this.client.renew(token).statusCode()).isEqualTo(200);
	}

	@Test
	void stsRefusalOnTheStsEndpointIsTheErrorOfSts() {
		start(Generation.CURRENT, Clock.systemUTC(), Clock.systemUTC());
		this.server.enqueueFaults(StsRoutes.PATH, Fault.stsRefusal("AccessDenied", "Not today"));
		try (StsClient sts = sts()) {
			assertThatExceptionOfType(StsException.class).isThrownBy(sts::getCallerIdentity).satisfies((ex) -> {
				assertThat(ex.statusCode()).isEqualTo(403);
				assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
				assertThat(ex.awsErrorDetails().errorMessage()).isEqualTo("Not today");
			});
			assertThat(sts.getCallerIdentity().arn()).isEqualTo(TestClient.ARN);
		}
	}

	@Test
	void unreachableStsEndpointDropsTheConnectionAndTheSdkRetries() {
		start(Generation.CURRENT, Clock.systemUTC(), Clock.systemUTC());
		this.server.enqueueFaults(StsRoutes.PATH, Fault.stsUnreachable());
		try (StsClient sts = sts()) {
			assertThat(sts.getCallerIdentity().arn()).isEqualTo(TestClient.ARN);
		}
		assertThat(this.server.stsCallCount("GetCallerIdentity")).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginSignedWithWrongSecretKeyIsRefused(Generation generation) {
		start(generation);
		Map<String, String> headers = this.client.signedHeaders(AwsSessionCredentialsIdentity
			.create(TestClient.ACCESS_KEY_ID, "not-the-secret", TestClient.SESSION_TOKEN),
				"sts.us-east-1.amazonaws.com", "us-east-1");
		HttpResponse<String> response = this.client.login(headers);
		assertStsRefused(generation, response);
		assertThat(response.headers().firstValue("Date")).hasValue("Wed, 15 Jan 2025 10:00:00 GMT");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void loginSignedTwentyMinutesAheadOfTheServerClockIsRefusedAndDateShowsTheServerClock(Generation generation) {
		Clock serverClock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));
		start(generation, serverClock, Clock.systemUTC());
		HttpResponse<String> response = this.client.login();
		assertStsRefused(generation, response);
		Instant date = ZonedDateTime
			.parse(response.headers().firstValue("Date").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME)
			.toInstant();
		// the one clue a client has: the server's clock is 20 minutes behind its own
		assertThat(Duration.between(date, Instant.now()).toSeconds()).isCloseTo(20 * 60, within(5L));
		// signed by the server's clock, the same login succeeds
		this.client = new TestClient(this.server, serverClock);
		assertThat(this.client.login().statusCode()).isEqualTo(200);
	}

	@Test
	void stsFaultsCheckTheirArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.stsRefusal("", "message"))
			.withMessage("'code' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.stsRefusal("Code", null))
			.withMessage("'message' must not be null");
		assertThat(Fault.stsRefusal("ExpiredToken", "expired")).hasToString("Fault.stsRefusal(ExpiredToken, expired)");
		assertThat(Fault.stsUnreachable()).hasToString("Fault.stsUnreachable()");
	}

	private StsClient sts() {
		return StsClient.builder()
			.endpointOverride(this.server.stsEndpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(TestClient.ACCESS_KEY_ID,
					TestClient.SECRET_KEY, TestClient.SESSION_TOKEN)))
			.build();
	}

	private static void assertStsRefused(Generation generation, HttpResponse<String> response) {
		if (generation == Generation.V2024) {
			assertThat(response.statusCode()).isEqualTo(500);
			assertThat(response.body()).isEqualTo(SOMETHING_WENT_WRONG);
		}
		else {
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(TestClient.json(response).get("message").asString()).isEqualTo("STS verification failed");
			assertThat(TestClient.json(response).get("error").asString()).isEqualTo("UnauthorizedError");
			assertThat(TestClient.json(response).get("reqId").asString()).startsWith("req-");
		}
	}

}
