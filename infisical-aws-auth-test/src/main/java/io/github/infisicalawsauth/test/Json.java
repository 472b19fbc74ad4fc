package io.github.infisicalawsauth.test;

import java.util.List;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON helpers shared by the route handlers.
 *
 * @author Infisical AWS Auth contributors
 */
final class Json {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private Json() {
	}

	static String typeOf(JsonNode node) {
		if (node.isMissingNode()) {
			return "undefined";
		}
		if (node.isNull()) {
			return "null";
		}
		if (node.isString()) {
			return "string";
		}
		if (node.isNumber()) {
			return "number";
		}
		if (node.isBoolean()) {
			return "boolean";
		}
		if (node.isArray()) {
			return "array";
		}
		return "object";
	}

	/**
	 * Create a zod-style {@code invalid_type} issue.
	 * @param path the field
	 * @param expected the expected type
	 * @param received the received value
	 * @return the issue
	 */
	static ObjectNode invalidType(String path, String expected, JsonNode received) {
		String receivedType = typeOf(received);
		ObjectNode issue = MAPPER.createObjectNode();
		issue.put("code", "invalid_type");
		issue.put("expected", expected);
		issue.put("received", receivedType);
		issue.putArray("path").add(path);
		issue.put("message",
				"undefined".equals(receivedType) ? "Required" : "Expected " + expected + ", received " + receivedType);
		return issue;
	}

	static ObjectNode issue(String code, String path, String message) {
		ObjectNode issue = MAPPER.createObjectNode();
		issue.put("code", code);
		issue.putArray("path").add(path);
		issue.put("message", message);
		return issue;
	}

	static ObjectNode bodyRequired() {
		ObjectNode issue = MAPPER.createObjectNode();
		issue.put("code", "invalid_type");
		issue.put("expected", "object");
		issue.put("received", "undefined");
		issue.putArray("path");
		issue.put("message", "Required");
		return issue;
	}

	/**
	 * Read a JSON request body the way Fastify does.
	 * @param request the request
	 * @return the body, a missing node when there is none
	 * @throws ApiError 400 for an empty or malformed JSON body, 415 for a body that is
	 * not JSON
	 */
	static JsonNode readBody(RecordedRequest request) {
		String contentType = request.header("Content-Type");
		boolean json = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
		if (request.body().isEmpty()) {
			if (json) {
				throw ApiError.of(400, "Bad Request",
						"Body cannot be empty when content-type is set to 'application/json'");
			}
			return MissingNode.getInstance();
		}
		if (!json) {
			throw ApiError.of(415, "Unsupported Media Type", "Unsupported Media Type: " + contentType);
		}
		try {
			return MAPPER.readTree(request.body());
		}
		catch (JacksonException ex) {
			throw ApiError.of(400, "Bad Request",
					"Body is not valid JSON but content-type is set to 'application/json'");
		}
	}

	/**
	 * Check that a body is an object, adding a zod-style issue if not.
	 * @param body the body
	 * @param issues the issues found so far
	 * @return whether the body is an object
	 */
	static boolean checkObject(JsonNode body, List<ObjectNode> issues) {
		if (body.isObject()) {
			return true;
		}
		ObjectNode issue = bodyRequired();
		if (!body.isMissingNode()) {
			issue.put("received", typeOf(body));
			issue.put("message", "Expected object, received " + typeOf(body));
		}
		issues.add(issue);
		return false;
	}

	static void requireString(JsonNode body, String name, List<ObjectNode> issues) {
		JsonNode value = body.path(name);
		if (!value.isString()) {
			issues.add(invalidType(name, "string", value));
		}
	}

}
