package io.github.infisicalawsauth.test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
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

}
