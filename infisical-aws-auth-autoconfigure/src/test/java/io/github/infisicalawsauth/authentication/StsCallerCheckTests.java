package io.github.infisicalawsauth.authentication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StsCallerCheck}.
 *
 * @author Infisical AWS Auth contributors
 */
class StsCallerCheckTests {

	@Test
	void keepsTheFirstLineOfAnAwsMessageWithoutTheCanonicalRequestItMayQuote() {
		String message = "The request signature we calculated does not match the signature you provided. Check your "
				+ "AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
				+ "The Canonical String for this request should have been\n'POST\n/\n\n"
				+ "host:sts.us-east-1.amazonaws.com\nx-amz-date:20261207T200000Z\n"
				+ "x-amz-security-token:Session-Token-Never-Shown\n\nhost;x-amz-date;x-amz-security-token\n"
				+ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n\n"
				+ "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261207T200000Z\n...'\n";
		assertThat(StsCallerCheck.firstLine(message))
			.isEqualTo("The request signature we calculated does not match the signature you provided. Check your "
					+ "AWS Secret Access Key and signing method. Consult the service documentation for details.")
			.doesNotContain("Session-Token-Never-Shown");
	}

	@Test
	void cutsALongLine() {
		assertThat(StsCallerCheck.firstLine("x".repeat(1000))).hasSize(303).endsWith("...");
		assertThat(StsCallerCheck.firstLine("Signature expired")).isEqualTo("Signature expired");
		assertThat(StsCallerCheck.firstLine(null)).isNull();
	}

}
