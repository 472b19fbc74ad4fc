package io.github.infisicalawsauth.authentication;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link StsRequestSigner}.
 *
 * @author Infisical AWS Auth contributors
 */
class StsRequestSignerTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T10:15:30Z"), ZoneOffset.UTC);

	@Test
	void signsRegionalEndpointWithMatchingScope() {
		StsRequestSigner.SignedStsRequest signed = StsRequestSigner
			.sign(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG"), "eu-west-1", CLOCK);
		Map<String, String> headers = headers(signed);
		assertThat(headers).containsEntry("Host", "sts.eu-west-1.amazonaws.com")
			.containsEntry("X-Amz-Date", "20261126T101530Z")
			.containsEntry("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			.doesNotContainKey("X-Amz-Security-Token");
		assertThat(headers.get("Authorization"))
			.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-west-1/sts/aws4_request")
			.contains("SignedHeaders=")
			.contains("host")
			.contains("x-amz-date");
		assertThat(headers.keySet()).noneMatch((name) -> name.equalsIgnoreCase("Accept"));
	}

	@Test
	void bodyIsGetCallerIdentity() {
		StsRequestSigner.SignedStsRequest signed = StsRequestSigner
			.sign(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"), "us-east-1", CLOCK);
		byte[] body = Base64.getDecoder().decode(signed.body());
		assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("Action=GetCallerIdentity&Version=2011-06-15");
		assertThat(body).hasSize(43);
	}

	@Test
	void sessionTokenIsSentAndSigned() {
		StsRequestSigner.SignedStsRequest signed = StsRequestSigner
			.sign(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "session-token-value"), "us-east-1", CLOCK);
		Map<String, String> headers = headers(signed);
		assertThat(headers).containsEntry("X-Amz-Security-Token", "session-token-value");
		assertThat(headers.get("Authorization")).contains("x-amz-security-token");
	}

	@Test
	void signaturesDifferForDifferentTimes() {
		AwsBasicCredentials credentials = AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
		String first = headers(StsRequestSigner.sign(credentials, "us-east-1", CLOCK)).get("Authorization");
		String later = headers(
				StsRequestSigner.sign(credentials, "us-east-1", Clock.offset(CLOCK, java.time.Duration.ofSeconds(1))))
			.get("Authorization");
		assertThat(first).isNotEqualTo(later);
	}

	@Test
	void toStringShowsNoSignature() {
		StsRequestSigner.SignedStsRequest signed = StsRequestSigner
			.sign(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "session-token-value"), "us-east-1", CLOCK);
		assertThat(signed.toString()).doesNotContain("Signature=")
			.doesNotContain("session-token-value")
			.doesNotContain(signed.headers());
	}

	@Test
	void checkRegionAcceptsStandardAndGovCloudRegions() {
		assertThatNoException().isThrownBy(() -> StsRequestSigner.checkRegion("us-east-1"));
		assertThatNoException().isThrownBy(() -> StsRequestSigner.checkRegion("ap-southeast-4"));
		assertThatNoException().isThrownBy(() -> StsRequestSigner.checkRegion("us-gov-west-1"));
	}

	@Test
	void checkRegionRefusesChinaPartition() {
		assertThatIllegalArgumentException().isThrownBy(() -> StsRequestSigner.checkRegion("cn-north-1"))
			.withMessageContaining("cn-north-1")
			.withMessageContaining("amazonaws.com");
	}

	@Test
	void checkRegionRefusesEveryPartitionOutsideAmazonawsCom() {
		for (String region : List.of("cn-northwest-1", "us-iso-east-1", "us-isob-east-1", "us-isof-south-1",
				"eu-isoe-west-1", "eusc-de-east-1")) {
			assertThatIllegalArgumentException().isThrownBy(() -> StsRequestSigner.checkRegion(region))
				.withMessageContaining(region);
		}
	}

	@Test
	void partitionRulesAgreeWithTheSdkForEveryKnownRegion() {
		for (Region region : Region.regions()) {
			if (!region.isGlobalRegion()) {
				assertThat(StsRequestSigner.dnsSuffix(region.id())).as(region.id())
					.isEqualTo(PartitionMetadata.of(region).dnsSuffix());
			}
		}
	}

	@Test
	void checkRegionRefusesMalformedNames() {
		assertThatIllegalArgumentException().isThrownBy(() -> StsRequestSigner.checkRegion("US East"))
			.withMessageContaining("not an AWS region");
	}

	private static Map<String, String> headers(StsRequestSigner.SignedStsRequest signed) {
		byte[] json = Base64.getDecoder().decode(signed.headers());
		return JsonMapper.builder().build().readValue(json, new TypeReference<Map<String, String>>() {
		});
	}

}
