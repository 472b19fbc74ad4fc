package io.github.infisicalawsauth.test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * An answer of the test server: status, headers and body.
 *
 * @author Infisical AWS Auth contributors
 */
record Reply(int status, Map<String, String> headers, byte[] body) {

	static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";

	static Reply json(int status, JsonNode body) {
		return json(status, Json.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
	}

	static Reply json(int status, byte[] body) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", JSON_CONTENT_TYPE);
		return new Reply(status, headers, body);
	}

	Reply withHeader(String name, String value) {
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(name, value);
		return new Reply(this.status, headers, this.body);
	}

	@Override
	public String toString() {
		return "Reply[" + this.status + ", " + this.body.length + " bytes]";
	}

}
