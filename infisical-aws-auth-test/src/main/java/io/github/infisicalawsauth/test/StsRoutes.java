package io.github.infisicalawsauth.test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.github.infisicalawsauth.test.FakeSecurityTokenService.AssumedRole;
import io.github.infisicalawsauth.test.FakeSecurityTokenService.Caller;
import io.github.infisicalawsauth.test.FakeSecurityTokenService.SignedRequest;
import io.github.infisicalawsauth.test.FakeSecurityTokenService.StsRejectedException;

/**
 * The AWS STS endpoint of the test server, {@code POST /} in the AWS Query protocol
 * ({@code Action=...&Version=2011-06-15} form bodies, XML answers), so that the AWS SDK's
 * own {@code StsClient} can be pointed at the server: {@code GetCallerIdentity} and
 * {@code AssumeRole}, with SigV4 verified by the same {@link FakeSecurityTokenService} as
 * the Infisical login.
 *
 * @author Infisical AWS Auth contributors
 */
final class StsRoutes {

	static final String PATH = "/";

	static final String VERSION = "2011-06-15";

	static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

	private static final Logger logger = Logger.getLogger(InfisicalTestServer.class.getName());

	private static final String XML_CONTENT_TYPE = "text/xml";

	private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");

	private static final Duration DEFAULT_DURATION = Duration.ofHours(1);

	/**
	 * The longest session of a role with the default {@code MaxSessionDuration}.
	 */
	private static final Duration MAX_SESSION_DURATION = Duration.ofHours(1);

	private final InfisicalTestServer server;

	StsRoutes(InfisicalTestServer server) {
		this.server = server;
	}

	/**
	 * Answer an STS request.
	 * @param request the recorded request
	 * @param body the request body as received
	 * @return the XML answer
	 */
	Reply handle(RecordedRequest request, byte[] body) {
		String requestId = UUID.randomUUID().toString();
		try {
			Map<String, String> parameters = parameters(request, body);
			String action = parameters.get("Action");
			if (action == null || action.isEmpty()) {
				throw new StsRejectedException("MissingAction", "Missing Action");
			}
			String version = parameters.get("Version");
			if (!VERSION.equals(version) || (!action.equals("GetCallerIdentity") && !action.equals("AssumeRole"))) {
				throw new StsRejectedException("InvalidAction",
						"Could not find operation " + action + " for version " + version);
			}
			Caller caller = this.server.sts().authenticate(signedRequest(request, body), this.server.clock().instant());
			return action.equals("AssumeRole") ? assumeRole(caller, parameters, requestId)
					: getCallerIdentity(caller, requestId);
		}
		catch (StsRejectedException ex) {
			logger.fine(() -> "STS refused " + request + ": " + ex.code() + " " + ex.getMessage());
			return error(ex.code(), ex.getMessage(), requestId);
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Test server failed on " + request, ex);
			return error("InternalFailure", "An internal error occurred.", requestId);
		}
	}

	private Reply getCallerIdentity(Caller caller, String requestId) {
		StringBuilder xml = new StringBuilder();
		xml.append("<GetCallerIdentityResponse xmlns=\"").append(NAMESPACE).append("\">\n");
		xml.append("  <GetCallerIdentityResult>\n");
		element(xml, "    ", "Arn", caller.arn());
		element(xml, "    ", "UserId", caller.userId());
		element(xml, "    ", "Account", caller.account());
		xml.append("  </GetCallerIdentityResult>\n");
		responseMetadata(xml, requestId);
		xml.append("</GetCallerIdentityResponse>\n");
		return xml(200, xml, requestId);
	}

	private Reply assumeRole(Caller caller, Map<String, String> parameters, String requestId)
			throws StsRejectedException {
		String roleArn = parameters.get("RoleArn");
		String sessionName = parameters.get("RoleSessionName");
		if (roleArn == null) {
			throw validationError("null", "roleArn", "Member must not be null");
		}
		if (sessionName == null) {
			throw validationError("null", "roleSessionName", "Member must not be null");
		}
		if (sessionName.length() < 2 || sessionName.length() > 64) {
			throw validationError("'" + sessionName + "'", "roleSessionName", "Member must have length "
					+ ((sessionName.length() < 2) ? "greater than or equal to 2" : "less than or equal to 64"));
		}
		if (!SESSION_NAME.matcher(sessionName).matches()) {
			throw validationError("'" + sessionName + "'", "roleSessionName",
					"Member must satisfy regular expression pattern: [\\w+=,.@-]*");
		}
		Duration duration = duration(parameters.get("DurationSeconds"));
		AssumedRole assumed = this.server.sts()
			.assumeRole(caller, roleArn, sessionName, duration, this.server.clock().instant());
		this.server.recordIssued(assumed.secretAccessKey());
		this.server.recordIssued(assumed.sessionToken());
		StringBuilder xml = new StringBuilder();
		xml.append("<AssumeRoleResponse xmlns=\"").append(NAMESPACE).append("\">\n");
		xml.append("  <AssumeRoleResult>\n");
		xml.append("    <AssumedRoleUser>\n");
		element(xml, "      ", "AssumedRoleId", assumed.caller().userId());
		element(xml, "      ", "Arn", assumed.caller().arn());
		xml.append("    </AssumedRoleUser>\n");
		xml.append("    <Credentials>\n");
		element(xml, "      ", "AccessKeyId", assumed.accessKeyId());
		element(xml, "      ", "SecretAccessKey", assumed.secretAccessKey());
		element(xml, "      ", "SessionToken", assumed.sessionToken());
		element(xml, "      ", "Expiration", DateTimeFormatter.ISO_INSTANT.format(assumed.expiration()));
		xml.append("    </Credentials>\n");
		xml.append("  </AssumeRoleResult>\n");
		responseMetadata(xml, requestId);
		xml.append("</AssumeRoleResponse>\n");
		return xml(200, xml, requestId);
	}

	private static Duration duration(@Nullable String durationSeconds) throws StsRejectedException {
		if (durationSeconds == null) {
			return DEFAULT_DURATION;
		}
		long seconds;
		try {
			seconds = Long.parseLong(durationSeconds.trim());
		}
		catch (NumberFormatException ex) {
			throw new StsRejectedException("ValidationError",
					"Value '" + durationSeconds + "' for parameter DurationSeconds is invalid. Must be an integer.");
		}
		if (seconds < 900) {
			throw validationError("'" + seconds + "'", "durationSeconds",
					"Member must have value greater than or equal to 900");
		}
		if (seconds > 43200) {
			throw validationError("'" + seconds + "'", "durationSeconds",
					"Member must have value less than or equal to 43200");
		}
		if (seconds > MAX_SESSION_DURATION.getSeconds()) {
			throw new StsRejectedException("ValidationError",
					"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
		}
		return Duration.ofSeconds(seconds);
	}

	/**
	 * Answer an STS error as STS does in the Query protocol.
	 * @param code the error code
	 * @param message the message
	 * @param requestId the request id
	 * @return the answer, with the status STS uses for the code
	 */
	static Reply error(String code, String message, String requestId) {
		int status = FakeSecurityTokenService.statusOf(code);
		StringBuilder xml = new StringBuilder();
		xml.append("<ErrorResponse xmlns=\"").append(NAMESPACE).append("\">\n");
		xml.append("  <Error>\n");
		element(xml, "    ", "Type", (status >= 500) ? "Receiver" : "Sender");
		element(xml, "    ", "Code", code);
		element(xml, "    ", "Message", message);
		xml.append("  </Error>\n");
		element(xml, "  ", "RequestId", requestId);
		xml.append("</ErrorResponse>\n");
		return xml(status, xml, requestId);
	}

	static Reply error(String code, String message) {
		return error(code, message, UUID.randomUUID().toString());
	}

	/**
	 * Return the action of an STS request, for counting.
	 * @param request the request
	 * @return the {@code Action} parameter, empty when there is none
	 */
	static String action(RecordedRequest request) {
		String action = parameters(request, request.body().getBytes(StandardCharsets.UTF_8)).get("Action");
		return (action != null) ? action : "";
	}

	private static Map<String, String> parameters(RecordedRequest request, byte[] body) {
		Map<String, String> parameters = new LinkedHashMap<>(request.queryParameters());
		String contentType = request.header("Content-Type");
		if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
			for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
				if (!pair.isEmpty()) {
					int equals = pair.indexOf('=');
					String name = (equals >= 0) ? pair.substring(0, equals) : pair;
					String value = (equals >= 0) ? pair.substring(equals + 1) : "";
					parameters.putIfAbsent(decode(name), decode(value));
				}
			}
		}
		return parameters;
	}

	private static SignedRequest signedRequest(RecordedRequest request, byte[] body) {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
			// SigV4 joins the values of a repeated header with commas
			headers.put(header.getKey(), String.join(",", header.getValue()));
		}
		return new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers, body);
	}

	private static String decode(String value) {
		try {
			return URLDecoder.decode(value, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return value;
		}
	}

	private static StsRejectedException validationError(String value, String member, String constraint) {
		return new StsRejectedException("ValidationError", "1 validation error detected: Value " + value + " at '"
				+ member + "' failed to satisfy constraint: " + constraint);
	}

	private static void responseMetadata(StringBuilder xml, String requestId) {
		xml.append("  <ResponseMetadata>\n");
		element(xml, "    ", "RequestId", requestId);
		xml.append("  </ResponseMetadata>\n");
	}

	private static void element(StringBuilder xml, String indent, String name, String value) {
		xml.append(indent)
			.append('<')
			.append(name)
			.append('>')
			.append(escape(value))
			.append("</")
			.append(name)
			.append(">\n");
	}

	private static String escape(String value) {
		return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private static Reply xml(int status, StringBuilder xml, String requestId) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("x-amzn-RequestId", requestId);
		headers.put("Content-Type", XML_CONTENT_TYPE);
		return new Reply(status, headers, xml.toString().getBytes(StandardCharsets.UTF_8));
	}

}
