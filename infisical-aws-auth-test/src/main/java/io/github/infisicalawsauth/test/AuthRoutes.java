package io.github.infisicalawsauth.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.infisicalawsauth.test.FakeSecurityTokenService.Caller;
import io.github.infisicalawsauth.test.FakeSecurityTokenService.StsRejectedException;

/**
 * The authentication routes: AWS IAM login, token renewal and revocation.
 *
 * @author Infisical AWS Auth contributors
 */
final class AuthRoutes {

	private static final Logger logger = Logger.getLogger(InfisicalTestServer.class.getName());

	private static final Pattern AWS_REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-\\d+$");

	private static final String GLOBAL_STS_HOST = "sts.amazonaws.com";

	private final InfisicalTestServer server;

	private final Generation generation;

	AuthRoutes(InfisicalTestServer server) {
		this.server = server;
		this.generation = server.generation();
	}

	/**
	 * Log in with AWS IAM.
	 * @param request the request
	 * @param stsFault a fault that stands for the answer of STS, or {@code null}
	 * @return the answer
	 */
	Reply login(RecordedRequest request, @Nullable Fault stsFault) {
		JsonNode body = Json.readBody(request);
		List<ObjectNode> issues = new ArrayList<>();
		if (Json.checkObject(body, issues)) {
			Json.requireString(body, "identityId", issues);
			optionalString(body, "iamHttpRequestMethod", issues);
			Json.requireString(body, "iamRequestBody", issues);
			Json.requireString(body, "iamRequestHeaders", issues);
			if (this.generation.supportsSubOrganizations()) {
				checkSlug(body, "organizationSlug", issues);
			}
		}
		failIfInvalid(issues);
		IdentitySpec identity = this.server.identity(body.get("identityId").asString().trim());
		if (identity == null) {
			throw ApiError.notFound("AWS auth method not found for identity, did you configure AWS auth?");
		}
		Map<String, String> headers = decodeHeaders(body.get("iamRequestHeaders").asString());
		String stsBody = decodeBody(body.get("iamRequestBody").asString());
		JsonNode method = body.get("iamHttpRequestMethod");
		String endpointHost = stsHost(headers);
		if (stsFault != null) {
			logger.fine(() -> "STS stands in for the login: " + stsFault);
			// an unreachable STS fails the server's HTTP call: a generic error on
			// both
			throw (stsFault.kind() == Fault.Kind.STS_UNREACHABLE) ? ApiError.internal() : stsRejection();
		}
		Caller caller;
		try {
			caller = this.server.sts()
				.verify((method != null) ? method.asString() : "POST", headers, stsBody, endpointHost,
						this.server.clock().instant());
		}
		catch (StsRejectedException ex) {
			logger.fine(() -> "STS rejected the login: " + ex.code() + " " + ex.getMessage());
			throw stsRejection();
		}
		if (!acceptsJson(headers)) {
			// STS answers XML, which the server cannot read
			throw ApiError.internal();
		}
		if (!identity.isAccountAllowed(caller.account())) {
			throw ApiError.unauthorized("Access denied: AWS account ID not allowed.");
		}
		String principalArn = IdentitySpec.principalArn(caller.arn());
		if (!identity.isPrincipalAllowed(principalArn)) {
			throw ApiError
				.unauthorized("Access denied: AWS principal ARN not allowed. [principal-arn=" + principalArn + "]");
		}
		JsonNode organizationSlug = body.get("organizationSlug");
		if (this.generation.supportsSubOrganizations() && organizationSlug != null && organizationSlug.isString()
				&& !this.server.hasOrganization(organizationSlug.asString())) {
			throw ApiError.notFound("Sub organization with slug " + organizationSlug.asString() + " not found");
		}
		logger.fine(() -> "Login of " + identity.identityId() + " as " + principalArn);
		return tokenReply(this.server.tokens().issue(identity));
	}

	private ApiError stsRejection() {
		return this.generation.answersStsRejectionWithServerError() ? ApiError.internal()
				: ApiError.unauthorized("STS verification failed");
	}

	Reply renew(RecordedRequest request) {
		return tokenReply(this.server.tokens().renew(accessToken(request)));
	}

	Reply revoke(RecordedRequest request) {
		this.server.tokens().revoke(accessToken(request));
		ObjectNode body = Json.MAPPER.createObjectNode();
		body.put("message", "Successfully revoked access token");
		return Reply.json(200, body);
	}

	private String accessToken(RecordedRequest request) {
		JsonNode body = Json.readBody(request);
		List<ObjectNode> issues = new ArrayList<>();
		if (Json.checkObject(body, issues)) {
			Json.requireString(body, "accessToken", issues);
		}
		failIfInvalid(issues);
		return body.get("accessToken").asString();
	}

	private Reply tokenReply(AccessTokens.Issued issued) {
		this.server.recordIssued(issued.token());
		ObjectNode body = Json.MAPPER.createObjectNode();
		body.put("accessToken", issued.token());
		body.put("expiresIn", issued.state().ttl);
		body.put("accessTokenMaxTTL", issued.state().maxTtl);
		body.put("tokenType", "Bearer");
		return Reply.json(200, body);
	}

	private String stsHost(Map<String, String> headers) {
		if (this.generation.takesStsHostFromHostHeader()) {
			// The 2024 server reads the "Host" key of the JSON object: case matters
			String host = headers.get("Host");
			return (host != null) ? host.trim() : GLOBAL_STS_HOST;
		}
		// Current servers read the region from the "Authorization" key's Credential
		// scope
		String region = regionFromAuthorization(headers.get("Authorization"));
		if (region == null || !AWS_REGION.matcher(region).matches()) {
			throw ApiError.badRequest("Invalid AWS region");
		}
		return "sts." + region + ".amazonaws.com";
	}

	private static @Nullable String regionFromAuthorization(@Nullable String authorization) {
		if (authorization == null) {
			return null;
		}
		for (String field : authorization.split(" ")) {
			if (field.startsWith("Credential=")) {
				String[] parts = field.split("/");
				return (parts.length >= 3) ? parts[2] : null;
			}
		}
		return null;
	}

	private static boolean acceptsJson(Map<String, String> headers) {
		for (Map.Entry<String, String> header : headers.entrySet()) {
			if ("Accept".equalsIgnoreCase(header.getKey())) {
				return header.getValue().toLowerCase().contains("application/json");
			}
		}
		return true;
	}

	private static Map<String, String> decodeHeaders(String encoded) {
		try {
			JsonNode headers = Json.MAPPER.readTree(Base64.getMimeDecoder().decode(encoded));
			if (headers == null || !headers.isObject()) {
				throw ApiError.internal();
			}
			Map<String, String> decoded = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> header : headers.properties()) {
				JsonNode value = header.getValue();
				if (!value.isNull()) {
					decoded.put(header.getKey(), value.isValueNode() ? value.asString() : value.toString());
				}
			}
			return decoded;
		}
		catch (JacksonException | IllegalArgumentException ex) {
			// JSON.parse fails on the server: a generic 500
			throw ApiError.internal();
		}
	}

	private static String decodeBody(String encoded) {
		try {
			return new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return "";
		}
	}

	private static void optionalString(JsonNode body, String name, List<ObjectNode> issues) {
		JsonNode value = body.path(name);
		if (!value.isMissingNode() && !value.isString()) {
			issues.add(Json.invalidType(name, "string", value));
		}
	}

	private static void checkSlug(JsonNode body, String name, List<ObjectNode> issues) {
		optionalString(body, name, issues);
		JsonNode value = body.path(name);
		if (value.isString()) {
			int length = value.asString().length();
			if (length < 1) {
				issues.add(Json.issue("too_small", name, "String must contain at least 1 character(s)"));
			}
			else if (length > 64) {
				issues.add(Json.issue("too_big", name, "String must contain at most 64 character(s)"));
			}
		}
	}

	private void failIfInvalid(List<ObjectNode> issues) {
		if (!issues.isEmpty()) {
			throw ApiError.validation(this.generation.validationFailureStatus(), issues);
		}
	}

}
