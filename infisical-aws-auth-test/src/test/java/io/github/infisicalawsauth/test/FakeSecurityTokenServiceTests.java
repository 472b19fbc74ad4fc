package io.github.infisicalawsauth.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import io.github.infisicalawsauth.test.FakeSecurityTokenService.Caller;
import io.github.infisicalawsauth.test.FakeSecurityTokenService.StsRejectedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FakeSecurityTokenService}, with requests signed by the AWS SDK.
 *
 * @author Infisical AWS Auth contributors
 */
class FakeSecurityTokenServiceTests {

	private static final Instant NOW = Instant.parse("2025-01-15T10:00:00Z");

	private static final String HOST = "sts.us-east-1.amazonaws.com";

	private static final String SHA256_OF_BODY = "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843";

	private final FakeSecurityTokenService sts = new FakeSecurityTokenService();

	FakeSecurityTokenServiceTests() {
		this.sts.addCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
	}

	@Test
	void verifyAnswersCallerOfSignedRequest() throws Exception {
		Caller caller = this.sts.verify("POST", signedHeaders(), TestClient.STS_BODY, HOST, NOW);
		assertThat(caller.account()).isEqualTo(TestClient.ACCOUNT);
		assertThat(caller.arn()).isEqualTo(TestClient.ARN);
	}

	@Test
	void verifyAcceptsCorrectOptionalHeaders() throws Exception {
		Map<String, String> headers = signedHeaders();
		put(headers, "Content-Length", "43");
		put(headers, "X-Amz-Content-Sha256", SHA256_OF_BODY);
		assertThat(headers).containsKeys("Host", "X-Amz-Date", "X-Amz-Security-Token", "Authorization");
		assertThat(this.sts.verify("POST", headers, TestClient.STS_BODY, HOST, NOW)).isNotNull();
	}

	@Test
	void verifyRejectsWrongPayloadHash() {
		Map<String, String> headers = signedHeaders();
		put(headers, "X-Amz-Content-Sha256", SHA256_OF_BODY.replace('a', 'b'));
		assertRejected(headers, "POST");
	}

	@Test
	void verifyRejectsHeaderSentTwiceInDifferentCase() {
		Map<String, String> headers = new LinkedHashMap<>(signedHeaders());
		headers.put("x-amz-date", "20250115T100000Z");
		assertRejected(headers, "POST");
	}

	@Test
	void verifyRejectsOtherMethod() {
		assertRejected(signedHeaders(), "GET");
	}

	@Test
	void verifyRejectsChangedSignedHeaderValue() {
		Map<String, String> headers = signedHeaders();
		headers.put("Content-Type", "application/x-www-form-urlencoded");
		assertRejected(headers, "POST");
	}

	@Test
	void verifyAcceptsExtraWhitespaceInSignedHeaderValue() throws Exception {
		Map<String, String> headers = signedHeaders();
		headers.put("Content-Type", "  application/x-www-form-urlencoded;   charset=utf-8 ");
		assertThat(this.sts.verify("POST", headers, TestClient.STS_BODY, HOST, NOW)).isNotNull();
	}

	@Test
	void refusalsCarryTheErrorCodeOfSts() {
		Map<String, String> unknownKey = TestClient.sign(
				AwsSessionCredentialsIdentity.create("AKIDUNKNOWN", TestClient.SECRET_KEY, TestClient.SESSION_TOKEN),
				HOST, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));
		assertRejected(unknownKey, "InvalidClientTokenId", "The security token included in the request is invalid.");
		Map<String, String> wrongSecret = TestClient.sign(
				AwsSessionCredentialsIdentity.create(TestClient.ACCESS_KEY_ID, "wrong", TestClient.SESSION_TOKEN), HOST,
				"us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));
		assertRejected(wrongSecret, "SignatureDoesNotMatch",
				"The request signature we calculated does not match the signature you provided. Check your AWS "
						+ "Secret Access Key and signing method. Consult the service documentation for details.");
		Map<String, String> future = TestClient.sign(TestClient.sessionCredentials(), HOST, "us-east-1",
				Clock.fixed(NOW.plusSeconds(20 * 60), ZoneOffset.UTC));
		assertRejected(future, "SignatureDoesNotMatch", "Signature not yet current: 20250115T102000Z is still later "
				+ "than 20250115T101500Z (20250115T100000Z + 15 min.)");
		Map<String, String> unsigned = signedHeaders();
		unsigned.remove("Authorization");
		assertRejected(unsigned, "MissingAuthenticationToken", "Request is missing Authentication Token");
	}

	@Test
	void assumedRoleCredentialsAreAcceptedUntilTheyExpire() throws Exception {
		this.sts.addRole("arn:aws:iam::210987654321:role/app-role");
		Caller caller = this.sts.verify("POST", signedHeaders(), TestClient.STS_BODY, HOST, NOW);
		FakeSecurityTokenService.AssumedRole assumed = this.sts.assumeRole(caller,
				"arn:aws:iam::210987654321:role/app-role", "session", Duration.ofMinutes(15), NOW);
		assertThat(assumed.caller().arn()).isEqualTo("arn:aws:sts::210987654321:assumed-role/app-role/session");
		assertThat(assumed).hasToString("AssumedRole[arn:aws:sts::210987654321:assumed-role/app-role/session, "
				+ "expires 2025-01-15T10:15:00Z]");
		AwsSessionCredentialsIdentity credentials = AwsSessionCredentialsIdentity.create(assumed.accessKeyId(),
				assumed.secretAccessKey(), assumed.sessionToken());
		Instant later = NOW.plus(Duration.ofMinutes(15));
		Map<String, String> beforeExpiry = TestClient.sign(credentials, HOST, "us-east-1",
				Clock.fixed(later.minusSeconds(1), ZoneOffset.UTC));
		assertThat(this.sts.verify("POST", beforeExpiry, TestClient.STS_BODY, HOST, later.minusSeconds(1)).account())
			.isEqualTo("210987654321");
		Map<String, String> atExpiry = TestClient.sign(credentials, HOST, "us-east-1",
				Clock.fixed(later, ZoneOffset.UTC));
		assertThatExceptionOfType(StsRejectedException.class)
			.isThrownBy(() -> this.sts.verify("POST", atExpiry, TestClient.STS_BODY, HOST, later))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo("ExpiredToken"));
		assertThatExceptionOfType(StsRejectedException.class)
			.isThrownBy(() -> this.sts.assumeRole(caller, "arn:aws:iam::210987654321:role/other", "session",
					Duration.ofMinutes(15), NOW))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo("AccessDenied");
				assertThat(ex.status()).isEqualTo(403);
			});
	}

	@Test
	void principalArnOfAssumedRoleIsRoleArn() {
		assertThat(IdentitySpec.principalArn("arn:aws:sts::123456789012:assumed-role/app-role/session-1"))
			.isEqualTo("arn:aws:iam::123456789012:role/app-role");
		assertThat(IdentitySpec.principalArn("arn:aws:iam::123456789012:user/ci"))
			.isEqualTo("arn:aws:iam::123456789012:user/ci");
	}

	private static void put(Map<String, String> headers, String name, String value) {
		headers.keySet().removeIf(name::equalsIgnoreCase);
		headers.put(name, value);
	}

	private static Map<String, String> signedHeaders() {
		return TestClient.sign(TestClient.sessionCredentials(), HOST, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));
	}

	private void assertRejected(Map<String, String> headers, String code, String message) {
		assertThatExceptionOfType(StsRejectedException.class)
			.isThrownBy(() -> this.sts.verify("POST", headers, TestClient.STS_BODY, HOST, NOW))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(code);
				assertThat(ex.getMessage()).isEqualTo(message);
			});
	}

	private void assertRejected(Map<String, String> headers, String method) {
		assertThatExceptionOfType(StsRejectedException.class)
			.isThrownBy(() -> this.sts.verify(method, headers, TestClient.STS_BODY, HOST, NOW));
	}

}
