package io.github.infisicalawsauth.authentication;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs the STS {@code GetCallerIdentity} request that Infisical replays to AWS, and
 * encodes it the way the login call expects.
 *
 * @author Infisical AWS Auth contributors
 */
final class StsRequestSigner {

	static final String BODY = "Action=GetCallerIdentity&Version=2011-06-15";

	private static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

	private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

	private StsRequestSigner() {
	}

	/**
	 * Sign a fresh request.
	 * @param credentials the AWS credentials
	 * @param region the region; the regional STS host and the credential scope both use
	 * it
	 * @param clock the signing clock
	 * @return the signed request as base64 body and headers
	 */
	static SignedStsRequest sign(AwsCredentialsIdentity credentials, String region, Clock clock) {
		// The regional host with a matching scope works on every server generation:
		// newer ones pick the STS host from the scope, the 2024 server from the Host
		// header.
		String host = "sts." + region + ".amazonaws.com";
		SdkHttpFullRequest request = SdkHttpFullRequest.builder()
			.method(SdkHttpMethod.POST)
			.uri(URI.create("https://" + host + "/"))
			.putHeader("Host", host)
			.putHeader("Content-Type", CONTENT_TYPE)
			.build();
		SignedRequest signed = SIGNER.sign((sign) -> sign.identity(credentials)
			.request(request)
			.payload(ContentStreamProvider.fromUtf8String(BODY))
			.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
			.putProperty(AwsV4HttpSigner.REGION_NAME, region)
			.putProperty(HttpSigner.SIGNING_CLOCK, clock));
		Map<String, String> headers = new LinkedHashMap<>();
		for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
			// Infisical passes the headers on to STS as they are: never add Accept,
			// the server relies on its default of JSON
			headers.put(header.getKey(), String.join(",", header.getValue()));
		}
		return new SignedStsRequest(encode(BODY), encode(toJson(headers)), headers.keySet());
	}

	/**
	 * Check that Infisical can reach STS in the region: it only calls
	 * {@code *.amazonaws.com}.
	 * @param region the region
	 * @throws IllegalArgumentException with the reason
	 */
	private static final String[][] FOREIGN_PARTITIONS = { { "cn-", "amazonaws.com.cn" },
			{ "us-isob-", "sc2s.sgov.gov" }, { "us-isof-", "csp.hci.ic.gov" }, { "us-iso-", "c2s.ic.gov" },
			{ "eu-isoe-", "cloud.adc-e.uk" }, { "eusc-", "amazonaws.eu" } };

	static void checkRegion(String region) {
		if (region == null || !region.matches("[a-z0-9-]+")) {
			throw new IllegalArgumentException("'" + region + "' is not an AWS region name such as us-east-1");
		}
		String dnsSuffix = dnsSuffix(region);
		if (!"amazonaws.com".equals(dnsSuffix)) {
			throw new IllegalArgumentException("region '" + region + "' is in the AWS partition at " + dnsSuffix
					+ ", but Infisical verifies AWS identities only through STS endpoints at amazonaws.com; "
					+ "use a region of the standard AWS partition");
		}
	}

	// the partitions outside amazonaws.com by their region prefix, as the SDK's
	// PartitionMetadata has them (a test holds the two together): asking the SDK loads
	// every region's metadata, a cost paid by every application at startup
	static String dnsSuffix(String region) {
		for (String[] partition : FOREIGN_PARTITIONS) {
			if (region.startsWith(partition[0])) {
				return partition[1];
			}
		}
		return "amazonaws.com";
	}

	private static String encode(String value) {
		return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
	}

	private static String toJson(Map<String, String> headers) {
		StringBuilder json = new StringBuilder("{");
		headers.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			json.append(quote(name)).append(':').append(quote(value));
		});
		return json.append('}').toString();
	}

	private static String quote(String value) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : value.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

	/**
	 * A signed request ready for the login body.
	 *
	 * @param body base64 of the form body
	 * @param headers base64 of the JSON object of signed headers
	 * @param headerNames the names of the headers sent, for logs
	 */
	record SignedStsRequest(String body, String headers, java.util.Set<String> headerNames) {

		@Override
		public String toString() {
			return "SignedStsRequest[headers=" + this.headerNames + "]";
		}

	}

}
