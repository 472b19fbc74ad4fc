package io.github.infisicalawsauth.authentication;

import java.time.Instant;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StsRefusal}.
 *
 * @author Infisical AWS Auth contributors
 */
class StsRefusalTests {

	private static final Instant SERVER_TIME = Instant.parse("2026-12-02T02:04:21Z");

	@Test
	void clockBehindByMinutesIsTheFirstCause() {
		InfisicalLoginException explained = refusal(SERVER_TIME, SERVER_TIME.minusSeconds(7 * 60 + 30)).toException();
		assertThat(explained.getReason()).isEqualTo(Reason.CLOCK_SKEW);
		assertThat(explained.getMessage()).contains("1) your clock is 7 minutes behind the Infisical server's");
		// signing again with the same clock cannot help
		assertThat(explained.isTransient()).isFalse();
		assertThat(explained.getApiException()).isNotNull();
	}

	@Test
	void aFewSecondsApartIsNotTheCause() {
		StsRefusal refusal = refusal(SERVER_TIME, SERVER_TIME.plusMillis(2900));
		assertThat(refusal.isClockSkewed()).isFalse();
		assertThat(refusal.toException().getMessage())
			.contains("3) this host's clock agrees with the Infisical server's (2 s apart)");
	}

	@Test
	void withoutADateHeaderTheClockCannotBeMeasured() {
		InfisicalLoginException explained = refusal(null, SERVER_TIME).toException();
		assertThat(explained.getReason()).isEqualTo(Reason.STS_REJECTED);
		assertThat(explained.isTransient()).isTrue();
		assertThat(explained.getMessage()).contains("the answer had no Date header");
	}

	@Test
	void stsRefusingTheCredentialsFromHereNamesThem() {
		InfisicalLoginException explained = refusal(SERVER_TIME, SERVER_TIME)
			.withCheck(new StsCallerCheck.Result(StsCallerCheck.Outcome.REFUSED, "InvalidClientTokenId",
					"The security token included in the request is invalid."))
			.toException();
		assertThat(explained.getReason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
		assertThat(explained.getMessage()).contains("1) the AWS credentials").contains("InvalidClientTokenId");
	}

	@Test
	void stsRefusingForTheClockFromHereNamesTheClock() {
		InfisicalLoginException explained = refusal(SERVER_TIME, SERVER_TIME)
			.withCheck(new StsCallerCheck.Result(StsCallerCheck.Outcome.REFUSED, "SignatureDoesNotMatch",
					"Signature expired: 20261202T014000Z is now earlier than 20261202T015000Z"))
			.toException();
		assertThat(explained.getReason()).isEqualTo(Reason.CLOCK_SKEW);
	}

	@Test
	void expiringCredentialsSayWhenTheyExpire() {
		AwsSessionCredentials expiring = AwsSessionCredentials.builder()
			.accessKeyId("ASIATESTKEY")
			.secretAccessKey("secret-never-shown")
			.sessionToken("token-never-shown")
			.expirationTime(SERVER_TIME.minusSeconds(60))
			.build();
		String message = new StsRefusal(rejected(SERVER_TIME), SERVER_TIME, expiring,
				"WebIdentityTokenFileCredentialsProvider", "us-east-1")
			.toException()
			.getMessage();
		assertThat(message).contains("expiring 2026-12-02T02:03:21Z")
			.contains("expired session credentials")
			.doesNotContain("secret-never-shown")
			.doesNotContain("token-never-shown");
	}

	@Test
	void longTermCredentialsAreDescribedWithoutTheirKey() {
		StsRefusal refusal = new StsRefusal(rejected(SERVER_TIME), SERVER_TIME,
				AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
				"ProfileCredentialsProvider", "eu-west-1");
		assertThat(refusal.toException().getMessage())
			.contains("access key id AKIA... (long-term), without a session token, supplied by "
					+ "ProfileCredentialsProvider")
			.contains("https://sts.eu-west-1.amazonaws.com")
			.doesNotContain("IOSFODNN7EXAMPLE")
			.doesNotContain("wJalrXUtnFEMI");
	}

	private static StsRefusal refusal(Instant serverDate, Instant now) {
		return new StsRefusal(rejected(serverDate), now,
				AwsSessionCredentials.create("ASIATESTKEY", "secret-never-shown", "token-never-shown"),
				"StaticCredentialsProvider", "us-east-1");
	}

	private static InfisicalLoginException rejected(Instant serverDate) {
		return InfisicalLoginException.create(new InfisicalApiException("POST /api/v1/auth/aws-auth/login", 500,
				"InternalServerError", "Something went wrong", null, null, serverDate));
	}

}
