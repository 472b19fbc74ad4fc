package io.github.infisicalawsauth.test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Integration tests for the AWS STS endpoint of {@link InfisicalTestServer}, called with
 * the AWS SDK's own {@link StsClient}.
 *
 * @author Infisical AWS Auth contributors
 */
class StsEndpointIntegrationTests {

	private static final String ROLE_ARN = "arn:aws:iam::210987654321:role/deploy/app-role";

	private static final String ASSUMED_ROLE_ARN = "arn:aws:sts::210987654321:assumed-role/app-role/ci-session";

	private static final String USER_ARN = "arn:aws:iam::123456789012:user/ci";

	private static final Pattern ERROR = Pattern.compile("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/"
			+ "2011-06-15/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>(.*)</Code>\n    <Message>(.*)</Message>\n"
			+ "  </Error>\n  <RequestId>[0-9a-f-]{36}</RequestId>\n</ErrorResponse>\n");

	private InfisicalTestServer server;

	@BeforeEach
	@AfterEach
	void resetSdkClockOffset() {
		// The SDK keeps the clock offset it learns from Date headers in one static
		// field for all its clients: a server with a skewed clock would skew later
		// tests
		SdkGlobalTime.setGlobalTimeOffset(0);
	}

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private void start(Generation generation, Clock clock) {
		this.server = InfisicalTestServer.builder().generation(generation).clock(clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addAwsCredentials("AKIDLONGTERM", "long-term-secret", null, TestClient.ACCOUNT, USER_ARN);
		this.server.addAwsRole(ROLE_ARN);
	}

	private void start() {
		start(Generation.CURRENT, Clock.systemUTC());
	}

	private StsClient sts(AwsCredentials credentials) {
		return StsClient.builder()
			.endpointOverride(this.server.stsEndpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(credentials))
			.build();
	}

	private static AwsCredentials sessionCredentials() {
		return AwsSessionCredentials.create(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN);
	}

	@Test
	void getCallerIdentityAnswersTheRegisteredCaller() {
		start();
		try (StsClient sts = sts(sessionCredentials())) {
			GetCallerIdentityResponse identity = sts.getCallerIdentity();
			assertThat(identity.account()).isEqualTo(TestClient.ACCOUNT);
			assertThat(identity.arn()).isEqualTo(TestClient.ARN);
			assertThat(identity.userId()).matches("AROA[A-Z2-7]{17}:session-1");
			assertThat(identity.responseMetadata().requestId()).hasSize(36);
		}
		try (StsClient sts = sts(AwsBasicCredentials.create("AKIDLONGTERM", "long-term-secret"))) {
			GetCallerIdentityResponse identity = sts.getCallerIdentity();
			assertThat(identity.arn()).isEqualTo(USER_ARN);
			assertThat(identity.userId()).matches("AIDA[A-Z2-7]{17}");
		}
		assertThat(this.server.stsCallCount("GetCallerIdentity")).isEqualTo(2);
		RecordedRequest request = this.server.requests(StsRoutes.PATH).get(0);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.path()).isEqualTo("/");
		assertThat(request.body()).isEqualTo("Action=GetCallerIdentity&Version=2011-06-15");
		assertThat(request.header("content-type")).startsWith("application/x-www-form-urlencoded");
		assertThat(request.header("authorization"))
			.startsWith("AWS4-HMAC-SHA256 Credential=" + TestClient.ACCESS_KEY_ID + "/");
	}

	@Test
	void wrongSecretKeyIsSignatureDoesNotMatch() {
		start();
		try (StsClient sts = sts(
				AwsSessionCredentials.create(TestClient.ACCESS_KEY_ID, "not-the-secret", TestClient.SESSION_TOKEN))) {
			assertThatExceptionOfType(StsException.class).isThrownBy(sts::getCallerIdentity).satisfies((ex) -> {
				assertThat(ex.statusCode()).isEqualTo(403);
				assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
				assertThat(ex.awsErrorDetails().errorMessage())
					.startsWith("The request signature we calculated does not match the signature you provided.");
				assertThat(ex.requestId()).hasSize(36);
			});
		}
		assertThat(this.server.stsCallCount("GetCallerIdentity")).isOne();
	}

	@Test
	void unknownAccessKeyOrMissingSessionTokenIsInvalidClientTokenId() {
		start();
		try (StsClient sts = sts(AwsBasicCredentials.create("AKIDUNKNOWN", "secret"))) {
			assertThatExceptionOfType(StsException.class).isThrownBy(sts::getCallerIdentity)
				.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
		}
		try (StsClient sts = sts(AwsBasicCredentials.create(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY))) {
			assertThatExceptionOfType(StsException.class).isThrownBy(sts::getCallerIdentity)
				.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
		}
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void assumedRoleCredentialsLogInToInfisical(Generation generation) {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		Clock clock = Clock.fixed(now, ZoneOffset.UTC);
		start(generation, clock);
		AssumeRoleResponse assumed;
		try (StsClient sts = sts(sessionCredentials())) {
			assumed = sts
				.assumeRole((request) -> request.roleArn(ROLE_ARN).roleSessionName("ci-session").durationSeconds(900));
		}
		assertThat(assumed.assumedRoleUser().arn()).isEqualTo(ASSUMED_ROLE_ARN);
		assertThat(assumed.assumedRoleUser().assumedRoleId()).matches("AROA[A-Z2-7]{17}:ci-session");
		assertThat(assumed.credentials().accessKeyId()).matches("ASIA[A-Z2-7]{16}");
		assertThat(assumed.credentials().secretAccessKey()).hasSize(40);
		assertThat(assumed.credentials().sessionToken()).isNotEmpty();
		assertThat(assumed.credentials().expiration()).isEqualTo(now.plusSeconds(900));
		assertThat(this.server.stsCallCount("AssumeRole")).isOne();
		AwsSessionCredentialsIdentity credentials = AwsSessionCredentialsIdentity.create(
				assumed.credentials().accessKeyId(), assumed.credentials().secretAccessKey(),
				assumed.credentials().sessionToken());
		try (StsClient sts = sts(AwsSessionCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey(),
				credentials.sessionToken()))) {
			assertThat(sts.getCallerIdentity().arn()).isEqualTo(ASSUMED_ROLE_ARN);
		}
		this.server.addIdentity(TestClient.IDENTITY_ID)
			.allowedAccounts("210987654321")
			.allowedPrincipalArns("arn:aws:iam::210987654321:role/app-role");
		TestClient client = new TestClient(this.server, clock);
		HttpResponse<String> login = client
			.login(client.signedHeaders(credentials, "sts.eu-west-1.amazonaws.com", "eu-west-1"));
		assertThat(login.statusCode()).isEqualTo(200);
		assertThat(this.server.isTokenActive(TestClient.json(login).get("accessToken").asString())).isTrue();
	}

	@Test
	void expiredAssumedCredentialsAreRefused() throws Exception {
		MutableClock clock = new MutableClock(Instant.now());
		start(Generation.V2024, clock);
		AssumeRoleResponse assumed;
		try (StsClient sts = sts(sessionCredentials())) {
			assumed = sts
				.assumeRole((request) -> request.roleArn(ROLE_ARN).roleSessionName("ci-session").durationSeconds(900));
		}
		AwsSessionCredentialsIdentity credentials = AwsSessionCredentialsIdentity.create(
				assumed.credentials().accessKeyId(), assumed.credentials().secretAccessKey(),
				assumed.credentials().sessionToken());
		clock.advance(Duration.ofMinutes(16));
		// signed by the server's clock, so that only the expiry of the credentials is
		// wrong
		HttpResponse<String> response = postSigned(credentials, clock);
		assertError(response, 403, "ExpiredToken", "The security token included in the request is expired");
		TestClient client = new TestClient(this.server, clock);
		this.server.addIdentity(TestClient.IDENTITY_ID);
		HttpResponse<String> login = client
			.login(client.signedHeaders(credentials, "sts.us-east-1.amazonaws.com", "us-east-1"));
		assertThat(login.statusCode()).isEqualTo(500);
	}

	@Test
	void assumeRoleOfUnknownRoleIsAccessDenied() {
		start();
		try (StsClient sts = sts(sessionCredentials())) {
			assertThatExceptionOfType(StsException.class).isThrownBy(() -> sts.assumeRole(
					(request) -> request.roleArn("arn:aws:iam::210987654321:role/other").roleSessionName("ci-session")))
				.satisfies((ex) -> {
					assertThat(ex.statusCode()).isEqualTo(403);
					assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
					assertThat(ex.awsErrorDetails().errorMessage()).isEqualTo(
							"User: " + TestClient.ARN + " is not authorized to perform: sts:AssumeRole on resource: "
									+ "arn:aws:iam::210987654321:role/other");
				});
		}
	}

	@Test
	void assumeRoleWithInvalidParametersIsValidationError() {
		start();
		try (StsClient sts = sts(sessionCredentials())) {
			assertThatExceptionOfType(StsException.class)
				.isThrownBy(() -> sts.assumeRole(
						(request) -> request.roleArn(ROLE_ARN).roleSessionName("ci-session").durationSeconds(7200)))
				.satisfies((ex) -> {
					assertThat(ex.statusCode()).isEqualTo(400);
					assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
					assertThat(ex.awsErrorDetails().errorMessage())
						.isEqualTo("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
				});
			assertThatExceptionOfType(StsException.class)
				.isThrownBy(() -> sts.assumeRole((request) -> request.roleArn(ROLE_ARN).roleSessionName("no spaces")))
				.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorMessage())
					.isEqualTo("1 validation error detected: Value 'no spaces' at 'roleSessionName' failed to "
							+ "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"));
		}
		assertThat(this.server.stsCallCount("AssumeRole")).isEqualTo(2);
	}

	@Test
	void signatureTooOldOrInTheFutureIsRefusedWithTheWordingOfSts() throws Exception {
		MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));
		start(Generation.CURRENT, clock);
		AwsCredentialsIdentity credentials = TestClient.sessionCredentials();
		HttpResponse<String> future = postSigned(credentials,
				Clock.offset(clock, Duration.ofMinutes(20).plusSeconds(1)));
		assertError(future, 403, "SignatureDoesNotMatch", "Signature not yet current: 20250115T102001Z is still later "
				+ "than 20250115T101500Z (20250115T100000Z + 15 min.)");
		HttpResponse<String> old = postSigned(credentials, Clock.offset(clock, Duration.ofMinutes(-16)));
		assertError(old, 403, "SignatureDoesNotMatch",
				"Signature expired: 20250115T094400Z is now earlier than 20250115T094500Z (20250115T100000Z - 15 min.)");
		assertThat(future.headers().firstValue("Date")).hasValue("Wed, 15 Jan 2025 10:00:00 GMT");
		assertThat(postSigned(credentials, Clock.offset(clock, Duration.ofMinutes(15))).statusCode()).isEqualTo(200);
		assertThat(postSigned(credentials, Clock.offset(clock, Duration.ofMinutes(-15))).statusCode()).isEqualTo(200);
	}

	@Test
	void sdkCorrectsItsClockFromTheDateHeaderOfTheRefusal() {
		start(Generation.CURRENT, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20)));
		try (StsClient sts = sts(sessionCredentials())) {
			assertThat(sts.getCallerIdentity().arn()).isEqualTo(TestClient.ARN);
		}
		// the first attempt was refused as signed in the future; the retry was signed
		// with the offset the SDK read from the Date header
		assertThat(this.server.stsCallCount("GetCallerIdentity")).isEqualTo(2);
	}

	@Test
	void sdkFindsTheEndpointThroughItsSystemProperty() {
		start();
		String previous = System.getProperty("aws.endpointUrlSts");
		System.setProperty("aws.endpointUrlSts", this.server.stsEndpoint().toString());
		try (StsClient sts = StsClient.builder()
			.region(Region.EU_WEST_1)
			.credentialsProvider(StaticCredentialsProvider.create(sessionCredentials()))
			.build()) {
			assertThat(sts.getCallerIdentity().account()).isEqualTo(TestClient.ACCOUNT);
		}
		finally {
			if (previous != null) {
				System.setProperty("aws.endpointUrlSts", previous);
			}
			else {
				System.clearProperty("aws.endpointUrlSts");
			}
		}
		assertThat(this.server.stsCallCount("GetCallerIdentity")).isOne();
	}

	@Test
	void missingOrUnknownActionIsRefusedBeforeTheSignature() throws Exception {
		start();
		TestClient client = new TestClient(this.server, Clock.systemUTC());
		assertError(client.send(form("Version=2011-06-15")), 400, "MissingAction", "Missing Action");
		assertError(client.send(form("Action=GetSessionToken&Version=2011-06-15")), 400, "InvalidAction",
				"Could not find operation GetSessionToken for version 2011-06-15");
		assertError(client.send(form("Action=GetCallerIdentity&Version=2010-01-01")), 400, "InvalidAction",
				"Could not find operation GetCallerIdentity for version 2010-01-01");
		assertError(client.send(form("Action=GetCallerIdentity&Version=2011-06-15")), 403, "MissingAuthenticationToken",
				"Request is missing Authentication Token");
		assertThat(this.server.stsCallCount("")).isOne();
		assertThat(this.server.stsCallCount("GetSessionToken")).isOne();
		assertThat(this.server.stsCallCount("GetCallerIdentity")).isEqualTo(2);
	}

	@Test
	void parametersInTheSignedQueryAreAccepted() {
		start();
		SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
			.method(SdkHttpMethod.POST)
			.uri(URI.create(this.server.url() + "/?Version=2011-06-15&Action=GetCallerIdentity&Note=a%20b%2Bc"))
			.build();
		SignedRequest signed = AwsV4HttpSigner.create()
			.sign((signing) -> signing.identity(TestClient.sessionCredentials())
				.request(unsigned)
				.payload(ContentStreamProvider.fromUtf8String(""))
				.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
				.putProperty(AwsV4HttpSigner.REGION_NAME, "ap-southeast-2"));
		HttpRequest.Builder request = HttpRequest.newBuilder(signed.request().getUri())
			.POST(HttpRequest.BodyPublishers.noBody());
		signed.request().forEachHeader((name, values) -> {
			if (!name.equalsIgnoreCase("Host")) {
				request.header(name, values.get(0));
			}
		});
		HttpResponse<String> response = new TestClient(this.server, Clock.systemUTC()).send(request.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("<Arn>" + TestClient.ARN + "</Arn>");
		assertThat(this.server.stsCallCount("GetCallerIdentity")).isOne();
	}

	@Test
	void roleArnMustBeARoleArn() {
		start();
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.addAwsRole(USER_ARN))
			.withMessageContaining("'roleArn' must be a role ARN");
	}

	private HttpRequest form(String body) {
		return HttpRequest.newBuilder(this.server.stsEndpoint())
			.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	/**
	 * Sign {@code GetCallerIdentity} for the server's STS endpoint with the given clock
	 * and send it with the JDK client, which sends the same {@code Host}.
	 */
	private HttpResponse<String> postSigned(AwsCredentialsIdentity credentials, Clock signingClock) throws Exception {
		Map<String, String> headers = TestClient.sign(credentials, "127.0.0.1:" + this.server.port(), "us-east-1",
				signingClock);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.server.url() + "/"))
			.POST(HttpRequest.BodyPublishers.ofString(TestClient.STS_BODY));
		headers.forEach((name, value) -> {
			if (!name.equalsIgnoreCase("Host")) {
				request.header(name, value);
			}
		});
		return new TestClient(this.server, signingClock).send(request.build());
	}

	private static void assertError(HttpResponse<String> response, int status, String code, String message) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/xml");
		assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
		Matcher matcher = ERROR.matcher(response.body());
		assertThat(matcher.matches()).as(response.body()).isTrue();
		assertThat(matcher.group(1)).isEqualTo(code);
		assertThat(matcher.group(2)).isEqualTo(message);
	}

}
