package io.github.infisicalawsauth.test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Stand-in for AWS STS {@code GetCallerIdentity}: verifies the SigV4 signature of a
 * replayed request against registered credentials, the way STS does, and answers with the
 * caller's account and ARN. Written from the SigV4 specification, independent of the AWS
 * SDK signer that clients use, so that a signing mistake cannot cancel itself out.
 *
 * @author Infisical AWS Auth contributors
 */
final class FakeSecurityTokenService {

	static final String GET_CALLER_IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

	private static final String ALGORITHM = "AWS4-HMAC-SHA256";

	private static final Duration MAX_SKEW = Duration.ofMinutes(15);

	private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

	private final Map<String, Credentials> credentials = new ConcurrentHashMap<>();

	void addCredentials(String accessKeyId, String secretAccessKey, @Nullable String sessionToken, String accountId,
			String arn) {
		this.credentials.put(accessKeyId, new Credentials(secretAccessKey, sessionToken, accountId, arn));
	}

	/**
	 * Verify a replayed {@code GetCallerIdentity} request.
	 * @param method the HTTP method the client asked the server to use
	 * @param requestHeaders the headers, names as the client sent them
	 * @param body the request body
	 * @param endpointHost the STS host the Infisical server sends the request to
	 * @param now the current time
	 * @return the caller
	 * @throws StsRejectedException if STS would refuse the request
	 */
	Caller verify(String method, Map<String, String> requestHeaders, String body, String endpointHost, Instant now)
			throws StsRejectedException {
		if (!"POST".equalsIgnoreCase(method)) {
			throw new StsRejectedException("method must be POST");
		}
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (Map.Entry<String, String> header : requestHeaders.entrySet()) {
			if (headers.put(header.getKey(), header.getValue()) != null) {
				throw new StsRejectedException("duplicate header " + header.getKey());
			}
		}
		if (!GET_CALLER_IDENTITY_BODY.equals(body)) {
			throw new StsRejectedException("body is not a GetCallerIdentity request");
		}
		String authorization = headers.get("Authorization");
		if (authorization == null) {
			throw new StsRejectedException("missing Authorization");
		}
		AuthorizationHeader parsed = AuthorizationHeader.parse(authorization);
		if (!"sts".equals(parsed.service()) || !"aws4_request".equals(parsed.terminator())) {
			throw new StsRejectedException("credential scope is not for sts");
		}
		String regionalHost = "sts." + parsed.region() + ".amazonaws.com";
		if (!regionalHost.equals(endpointHost)) {
			throw new StsRejectedException("credential scope region does not match endpoint " + endpointHost);
		}
		String host = headers.get("Host");
		if (host == null || !host.trim().equalsIgnoreCase(endpointHost) || !parsed.signedHeaders().contains("host")) {
			throw new StsRejectedException("Host header missing, unsigned or not the endpoint");
		}
		checkDate(headers.get("X-Amz-Date"), parsed, now);
		Credentials caller = this.credentials.get(parsed.accessKeyId());
		if (caller == null) {
			throw new StsRejectedException("unknown access key");
		}
		checkSessionToken(headers.get("X-Amz-Security-Token"), parsed, caller);
		byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
		String contentLength = headers.get("Content-Length");
		if (contentLength != null && !contentLength.trim().equals(Integer.toString(bodyBytes.length))) {
			throw new StsRejectedException("Content-Length does not match the body");
		}
		String payloadHash = hex(sha256(bodyBytes));
		String contentSha256 = headers.get("X-Amz-Content-Sha256");
		if (contentSha256 != null && !contentSha256.trim().equalsIgnoreCase(payloadHash)) {
			throw new StsRejectedException("X-Amz-Content-Sha256 does not match the body");
		}
		StringBuilder canonicalRequest = new StringBuilder("POST\n/\n\n");
		for (String name : parsed.signedHeaders()) {
			String value = headers.get(name);
			if (value == null || !name.equals(name.toLowerCase())) {
				throw new StsRejectedException("signed header " + name + " is missing");
			}
			canonicalRequest.append(name).append(':').append(value.trim().replaceAll("\\s+", " ")).append('\n');
		}
		canonicalRequest.append('\n').append(String.join(";", parsed.signedHeaders())).append('\n').append(payloadHash);
		String stringToSign = ALGORITHM + "\n" + headers.get("X-Amz-Date").trim() + "\n" + parsed.scope() + "\n"
				+ hex(sha256(canonicalRequest.toString().getBytes(StandardCharsets.UTF_8)));
		byte[] key = hmac(("AWS4" + caller.secretAccessKey()).getBytes(StandardCharsets.UTF_8), parsed.date());
		key = hmac(key, parsed.region());
		key = hmac(key, parsed.service());
		key = hmac(key, parsed.terminator());
		byte[] expected = hex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
		if (!MessageDigest.isEqual(expected, parsed.signature().getBytes(StandardCharsets.US_ASCII))) {
			throw new StsRejectedException("signature does not match");
		}
		return new Caller(caller.accountId(), caller.arn());
	}

	private void checkDate(@Nullable String amzDate, AuthorizationHeader parsed, Instant now)
			throws StsRejectedException {
		if (amzDate == null || !parsed.signedHeaders().contains("x-amz-date")) {
			throw new StsRejectedException("X-Amz-Date missing or unsigned");
		}
		Instant signedAt;
		try {
			signedAt = LocalDateTime.parse(amzDate.trim(), AMZ_DATE).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			throw new StsRejectedException("X-Amz-Date malformed");
		}
		if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
			throw new StsRejectedException("signature expired or clock skew too large");
		}
		if (!amzDate.trim().startsWith(parsed.date())) {
			throw new StsRejectedException("X-Amz-Date does not match the credential scope date");
		}
	}

	private void checkSessionToken(@Nullable String token, AuthorizationHeader parsed, Credentials caller)
			throws StsRejectedException {
		if (caller.sessionToken() == null) {
			if (token != null) {
				throw new StsRejectedException("session token sent for long-term credentials");
			}
			return;
		}
		if (token == null || !parsed.signedHeaders().contains("x-amz-security-token")
				|| !MessageDigest.isEqual(caller.sessionToken().getBytes(StandardCharsets.UTF_8),
						token.trim().getBytes(StandardCharsets.UTF_8))) {
			throw new StsRejectedException("session token missing, unsigned or wrong");
		}
	}

	static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static byte[] hmac(byte[] key, String data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	/**
	 * The caller identity that {@code GetCallerIdentity} answers with.
	 */
	record Caller(String account, String arn) {
	}

	private record Credentials(String secretAccessKey, @Nullable String sessionToken, String accountId, String arn) {

		@Override
		public String toString() {
			return "Credentials[accountId=" + this.accountId + ", arn=" + this.arn + "]";
		}

	}

	/**
	 * The parts of a SigV4 {@code Authorization} header.
	 */
	record AuthorizationHeader(String accessKeyId, String date, String region, String service, String terminator,
			List<String> signedHeaders, String signature) {

		String scope() {
			return this.date + "/" + this.region + "/" + this.service + "/" + this.terminator;
		}

		static AuthorizationHeader parse(String value) throws StsRejectedException {
			String trimmed = value.trim();
			if (!trimmed.startsWith(ALGORITHM + " ")) {
				throw new StsRejectedException("Authorization is not " + ALGORITHM);
			}
			String credential = null;
			String signedHeaders = null;
			String signature = null;
			for (String part : trimmed.substring(ALGORITHM.length()).split(",")) {
				String component = part.trim();
				if (component.startsWith("Credential=")) {
					credential = component.substring("Credential=".length());
				}
				else if (component.startsWith("SignedHeaders=")) {
					signedHeaders = component.substring("SignedHeaders=".length());
				}
				else if (component.startsWith("Signature=")) {
					signature = component.substring("Signature=".length());
				}
			}
			if (credential == null || signedHeaders == null || signature == null || signedHeaders.isEmpty()) {
				throw new StsRejectedException("Authorization incomplete");
			}
			String[] scope = credential.split("/", -1);
			if (scope.length != 5) {
				throw new StsRejectedException("Credential malformed");
			}
			return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3], scope[4],
					List.of(signedHeaders.split(";")), signature);
		}

	}

	/**
	 * Thrown when STS would refuse the request. The reason is for debugging only: like
	 * the real server, the test server never passes it to the client.
	 */
	static final class StsRejectedException extends Exception {

		StsRejectedException(String reason) {
			super(reason, null, false, false);
		}

	}

}
