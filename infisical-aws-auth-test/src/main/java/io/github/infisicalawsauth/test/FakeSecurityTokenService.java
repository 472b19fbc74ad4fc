package io.github.infisicalawsauth.test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Stand-in for AWS STS: verifies SigV4 signatures against registered credentials the way
 * STS does, answers {@code GetCallerIdentity} with the caller's account and ARN, and
 * issues temporary credentials for {@code AssumeRole}. Serves both the Infisical login,
 * which replays a signed {@code GetCallerIdentity} request, and the server's STS
 * endpoint. Written from the SigV4 specification, independent of the AWS SDK signer that
 * clients use, so that a signing mistake cannot cancel itself out.
 *
 * @author Infisical AWS Auth contributors
 */
final class FakeSecurityTokenService {

	static final String GET_CALLER_IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

	static final Duration MAX_SKEW = Duration.ofMinutes(15);

	private static final String ALGORITHM = "AWS4-HMAC-SHA256";

	private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

	private static final Pattern ROLE_ARN = Pattern
		.compile("^arn:([a-z-]+):iam::(\\d{12}):role/(?:[^/]+/)*([\\w+=,.@-]+)$");

	private static final String ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

	private static final String SECRET_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	private static final String SIGNATURE_DOES_NOT_MATCH = "The request signature we calculated does not match the "
			+ "signature you provided. Check your AWS Secret Access Key and signing method. "
			+ "Consult the service documentation for details.";

	private static final String INVALID_TOKEN = "The security token included in the request is invalid.";

	private static final Set<String> CLIENT_ERRORS_OF_STATUS_400 = Set.of("IncompleteSignature", "InvalidAction",
			"MissingAction", "ValidationError", "MalformedQueryString", "InvalidParameterValue",
			"InvalidParameterCombination", "MissingParameter", "XAmzContentSHA256Mismatch", "Throttling",
			"PackedPolicyTooLarge", "MalformedPolicyDocument", "IDPRejectedClaim", "InvalidIdentityToken");

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Credentials> credentials = new ConcurrentHashMap<>();

	private final Set<String> roles = ConcurrentHashMap.newKeySet();

	void addCredentials(String accessKeyId, String secretAccessKey, @Nullable String sessionToken, String accountId,
			String arn) {
		this.credentials.put(accessKeyId,
				new Credentials(secretAccessKey, sessionToken, new Caller(accountId, arn, userId(arn)), null));
	}

	/**
	 * Register a role that callers may assume.
	 * @param roleArn the role ARN, {@code arn:aws:iam::ACCOUNT:role/[PATH/]NAME}
	 * @throws IllegalArgumentException if the ARN is not a role ARN
	 */
	void addRole(String roleArn) {
		if (!ROLE_ARN.matcher(roleArn).matches()) {
			throw new IllegalArgumentException(
					"'roleArn' must be a role ARN such as arn:aws:iam::123456789012:role/name, not " + roleArn);
		}
		this.roles.add(roleArn);
	}

	/**
	 * Verify a replayed {@code GetCallerIdentity} request, as the Infisical server sends
	 * it to STS.
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
			throw new StsRejectedException("InvalidAction", "method must be POST");
		}
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (Map.Entry<String, String> header : requestHeaders.entrySet()) {
			if (headers.put(header.getKey(), header.getValue()) != null) {
				throw signatureDoesNotMatch("duplicate header " + header.getKey());
			}
		}
		if (!GET_CALLER_IDENTITY_BODY.equals(body)) {
			throw new StsRejectedException("InvalidAction", "body is not a GetCallerIdentity request");
		}
		String authorization = headers.get("Authorization");
		if (authorization != null) {
			String regionalHost = "sts." + AuthorizationHeader.parse(authorization).region() + ".amazonaws.com";
			if (!regionalHost.equals(endpointHost)) {
				throw signatureDoesNotMatch("credential scope region does not match endpoint " + endpointHost);
			}
			String host = headers.get("Host");
			if (host == null || !host.trim().equalsIgnoreCase(endpointHost)) {
				throw signatureDoesNotMatch("Host header missing or not the endpoint");
			}
		}
		return authenticate(new SignedRequest("POST", "/", null, headers, body.getBytes(StandardCharsets.UTF_8)), now);
	}

	/**
	 * Authenticate a request signed with SigV4 for the {@code sts} service, in any
	 * region.
	 * @param request the request as it arrived
	 * @param now the current time
	 * @return the caller whose credentials signed the request
	 * @throws StsRejectedException with the error STS answers if it would refuse the
	 * request
	 */
	Caller authenticate(SignedRequest request, Instant now) throws StsRejectedException {
		Map<String, String> headers = request.headers();
		String authorization = headers.get("Authorization");
		if (authorization == null) {
			throw new StsRejectedException("MissingAuthenticationToken", "Request is missing Authentication Token");
		}
		AuthorizationHeader parsed = AuthorizationHeader.parse(authorization);
		if (!"sts".equals(parsed.service())) {
			throw signatureDoesNotMatch("Credential should be scoped to correct service: 'sts'. ");
		}
		if (!"aws4_request".equals(parsed.terminator())) {
			throw signatureDoesNotMatch("Credential should be scoped with a valid terminator: 'aws4_request', not '"
					+ parsed.terminator() + "'. ");
		}
		if (headers.get("Host") == null || !parsed.signedHeaders().contains("host")) {
			throw signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
		}
		String amzDate = checkDate(headers.get("X-Amz-Date"), parsed, now);
		Credentials caller = this.credentials.get(parsed.accessKeyId());
		if (caller == null) {
			throw new StsRejectedException("InvalidClientTokenId", INVALID_TOKEN);
		}
		checkSessionToken(headers.get("X-Amz-Security-Token"), parsed, caller);
		if (caller.expiration() != null && !now.isBefore(caller.expiration())) {
			throw new StsRejectedException("ExpiredToken", "The security token included in the request is expired");
		}
		byte[] body = request.body();
		String contentLength = headers.get("Content-Length");
		if (contentLength != null && !contentLength.trim().equals(Integer.toString(body.length))) {
			throw signatureDoesNotMatch("Content-Length does not match the body");
		}
		String payloadHash = hex(sha256(body));
		String contentSha256 = headers.get("X-Amz-Content-Sha256");
		if (contentSha256 != null && !contentSha256.trim().equalsIgnoreCase(payloadHash)) {
			throw new StsRejectedException("XAmzContentSHA256Mismatch",
					"The provided 'x-amz-content-sha256' header does not match what was computed.");
		}
		StringBuilder canonicalRequest = new StringBuilder();
		canonicalRequest.append(request.method()).append('\n').append(request.rawPath()).append('\n');
		canonicalRequest.append(canonicalQuery(request.rawQuery())).append('\n');
		for (String name : parsed.signedHeaders()) {
			String value = headers.get(name);
			if (value == null || !name.equals(name.toLowerCase())) {
				throw signatureDoesNotMatch("signed header " + name + " is missing");
			}
			canonicalRequest.append(name).append(':').append(value.trim().replaceAll("\\s+", " ")).append('\n');
		}
		canonicalRequest.append('\n').append(String.join(";", parsed.signedHeaders())).append('\n').append(payloadHash);
		String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + parsed.scope() + "\n"
				+ hex(sha256(canonicalRequest.toString().getBytes(StandardCharsets.UTF_8)));
		byte[] key = hmac(("AWS4" + caller.secretAccessKey()).getBytes(StandardCharsets.UTF_8), parsed.date());
		key = hmac(key, parsed.region());
		key = hmac(key, parsed.service());
		key = hmac(key, parsed.terminator());
		byte[] expected = hex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
		if (!MessageDigest.isEqual(expected, parsed.signature().getBytes(StandardCharsets.US_ASCII))) {
			throw new StsRejectedException("SignatureDoesNotMatch", SIGNATURE_DOES_NOT_MATCH);
		}
		return caller.caller();
	}

	/**
	 * Issue temporary credentials for a registered role and register them, so that
	 * requests signed with them are accepted until they expire.
	 * @param caller the authenticated caller
	 * @param roleArn the role to assume
	 * @param sessionName the role session name
	 * @param duration how long the credentials are valid
	 * @param now the current time
	 * @return the credentials and the assumed-role caller they stand for
	 * @throws StsRejectedException {@code AccessDenied} if the role is not registered
	 */
	AssumedRole assumeRole(Caller caller, String roleArn, String sessionName, Duration duration, Instant now)
			throws StsRejectedException {
		Matcher role = ROLE_ARN.matcher(roleArn);
		if (!this.roles.contains(roleArn) || !role.matches()) {
			throw new StsRejectedException("AccessDenied",
					"User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
		}
		String arn = "arn:" + role.group(1) + ":sts::" + role.group(2) + ":assumed-role/" + role.group(3) + "/"
				+ sessionName;
		Caller assumed = new Caller(role.group(2), arn, userId(arn));
		String accessKeyId = "ASIA" + randomString(ID_CHARACTERS, 16);
		String secretAccessKey = randomString(SECRET_CHARACTERS, 40);
		String sessionToken = "IQoJb3JpZ2luX2VjE" + randomString(SECRET_CHARACTERS, 300);
		Instant expiration = now.plus(duration).truncatedTo(ChronoUnit.SECONDS);
		this.credentials.put(accessKeyId, new Credentials(secretAccessKey, sessionToken, assumed, expiration));
		return new AssumedRole(accessKeyId, secretAccessKey, sessionToken, expiration, assumed);
	}

	private String checkDate(@Nullable String amzDate, AuthorizationHeader parsed, Instant now)
			throws StsRejectedException {
		if (amzDate == null || !parsed.signedHeaders().contains("x-amz-date")) {
			throw new StsRejectedException("IncompleteSignature",
					"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
		}
		String date = amzDate.trim();
		Instant signedAt;
		try {
			signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			throw new StsRejectedException("IncompleteSignature",
					"Date must be in ISO-8601 'basic format'. Got '" + date + "'.");
		}
		// the wording of real STS: a client can tell its clock is off
		if (signedAt.isBefore(now.minus(MAX_SKEW))) {
			throw signatureDoesNotMatch("Signature expired: " + date + " is now earlier than "
					+ format(now.minus(MAX_SKEW)) + " (" + format(now) + " - 15 min.)");
		}
		if (signedAt.isAfter(now.plus(MAX_SKEW))) {
			throw signatureDoesNotMatch("Signature not yet current: " + date + " is still later than "
					+ format(now.plus(MAX_SKEW)) + " (" + format(now) + " + 15 min.)");
		}
		if (!date.startsWith(parsed.date())) {
			throw signatureDoesNotMatch(
					"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of " + "date from HTTP: '"
							+ parsed.date() + "' != '" + date.substring(0, 8) + "', from '" + date + "'.");
		}
		return date;
	}

	private void checkSessionToken(@Nullable String token, AuthorizationHeader parsed, Credentials caller)
			throws StsRejectedException {
		if (caller.sessionToken() == null) {
			if (token != null) {
				throw new StsRejectedException("InvalidClientTokenId", INVALID_TOKEN);
			}
			return;
		}
		if (token == null || !parsed.signedHeaders().contains("x-amz-security-token")
				|| !MessageDigest.isEqual(caller.sessionToken().getBytes(StandardCharsets.UTF_8),
						token.trim().getBytes(StandardCharsets.UTF_8))) {
			throw new StsRejectedException("InvalidClientTokenId", INVALID_TOKEN);
		}
	}

	/**
	 * Return the canonical query string of SigV4: parameters sorted by name and value,
	 * each URI-encoded.
	 * @param rawQuery the query as sent, or {@code null}
	 * @return the canonical query string, empty when there is none
	 */
	private static String canonicalQuery(@Nullable String rawQuery) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return "";
		}
		List<String> parameters = new ArrayList<>();
		for (String pair : rawQuery.split("&")) {
			if (!pair.isEmpty()) {
				int equals = pair.indexOf('=');
				String name = decode((equals >= 0) ? pair.substring(0, equals) : pair);
				String value = (equals >= 0) ? decode(pair.substring(equals + 1)) : "";
				parameters.add(uriEncode(name) + "=" + uriEncode(value));
			}
		}
		parameters.sort(null);
		return String.join("&", parameters);
	}

	private static String decode(String value) {
		try {
			return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return value;
		}
	}

	private static String uriEncode(String value) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
					|| c == '.' || c == '~') {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
			}
		}
		return encoded.toString();
	}

	private static String format(Instant instant) {
		return AMZ_DATE.format(instant.atOffset(ZoneOffset.UTC));
	}

	/**
	 * Return the unique id that {@code GetCallerIdentity} answers as {@code UserId}:
	 * {@code AROA...:session} for an assumed role, {@code AIDA...} for a user, the
	 * account for the root user. Derived from the ARN, so it stays the same for one
	 * principal.
	 */
	private static String userId(String arn) {
		String[] parts = arn.split(":", 6);
		if (parts.length == 6) {
			if (parts[5].equals("root")) {
				return parts[4];
			}
			if (parts[5].startsWith("assumed-role/")) {
				String[] resource = parts[5].split("/");
				String session = (resource.length >= 3) ? resource[resource.length - 1] : "";
				return "AROA" + uniqueIdOf(IdentitySpec.principalArn(arn)) + ":" + session;
			}
		}
		return "AIDA" + uniqueIdOf(arn);
	}

	private static String uniqueIdOf(String arn) {
		byte[] hash = sha256(arn.getBytes(StandardCharsets.UTF_8));
		StringBuilder id = new StringBuilder();
		for (int i = 0; i < 17; i++) {
			id.append(ID_CHARACTERS.charAt((hash[i] & 0xff) % ID_CHARACTERS.length()));
		}
		return id.toString();
	}

	private String randomString(String characters, int length) {
		StringBuilder value = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			value.append(characters.charAt(this.random.nextInt(characters.length())));
		}
		return value.toString();
	}

	private static StsRejectedException signatureDoesNotMatch(String message) {
		return new StsRejectedException("SignatureDoesNotMatch", message);
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
	 * Return the HTTP status STS answers an error code with.
	 * @param code the error code
	 * @return 400 for malformed input, 500 or 503 for its own failures, otherwise 403
	 */
	static int statusOf(String code) {
		if (CLIENT_ERRORS_OF_STATUS_400.contains(code)) {
			return 400;
		}
		return switch (code) {
			case "InternalFailure" -> 500;
			case "ServiceUnavailable" -> 503;
			default -> 403;
		};
	}

	/**
	 * The caller identity that {@code GetCallerIdentity} answers with.
	 */
	record Caller(String account, String arn, String userId) {
	}

	/**
	 * A request as STS receives it. Header names are case-insensitive.
	 */
	record SignedRequest(String method, String rawPath, @Nullable String rawQuery, Map<String, String> headers,
			byte[] body) {

		@Override
		public String toString() {
			// the headers hold the session token
			return "SignedRequest[" + this.method + " " + this.rawPath + "]";
		}

	}

	/**
	 * Temporary credentials issued by {@code AssumeRole}.
	 */
	record AssumedRole(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration,
			Caller caller) {

		@Override
		public String toString() {
			return "AssumedRole[" + this.caller.arn() + ", expires " + this.expiration + "]";
		}

	}

	private record Credentials(String secretAccessKey, @Nullable String sessionToken, Caller caller,
			@Nullable Instant expiration) {

		@Override
		public String toString() {
			return "Credentials[" + this.caller + ", expiration=" + this.expiration + "]";
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
				throw new StsRejectedException("IncompleteSignature", "Unsupported AWS 'algorithm': '"
						+ trimmed.split(" ", 2)[0] + "'. Supported values are: 'AWS4-HMAC-SHA256'");
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
				throw new StsRejectedException("IncompleteSignature",
						"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
			}
			String[] scope = credential.split("/", -1);
			if (scope.length != 5) {
				throw new StsRejectedException("IncompleteSignature",
						"Credential should have at least 5 slash-separated parts: " + credential);
			}
			return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3], scope[4],
					List.of(signedHeaders.split(";")), signature);
		}

	}

	/**
	 * Thrown when STS would refuse the request, with the error code and message it
	 * answers. The Infisical login never passes them to the client, as the real server
	 * does not; the STS endpoint does.
	 */
	static final class StsRejectedException extends Exception {

		private final String code;

		StsRejectedException(String code, String message) {
			super(message, null, false, false);
			this.code = code;
		}

		String code() {
			return this.code;
		}

		int status() {
			return statusOf(this.code);
		}

	}

}
