package io.github.infisicalawsauth.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Query parameters validated the way the server's schema does, collecting issues.
 *
 * @author Infisical AWS Auth contributors
 */
final class QueryParameters {

	private final Map<String, String> parameters;

	private final Generation generation;

	private final List<ObjectNode> issues = new ArrayList<>();

	QueryParameters(Map<String, String> parameters, Generation generation) {
		this.parameters = parameters;
		this.generation = generation;
	}

	String required(String name) {
		String value = this.parameters.get(name);
		if (value == null) {
			this.issues.add(Json.invalidType(name, "string", MissingNode.getInstance()));
			return "";
		}
		return value.trim();
	}

	String optional(String name, String defaultValue) {
		String value = this.parameters.get(name);
		return (value != null) ? value : defaultValue;
	}

	boolean flag(String name, boolean defaultValue) {
		String value = this.parameters.get(name);
		if (value == null) {
			return defaultValue;
		}
		if (!value.equals("true") && !value.equals("false")) {
			ObjectNode issue = Json.issue("invalid_enum_value", name,
					"Invalid enum value. Expected 'true' | 'false', received '" + value + "'");
			issue.set("received", StringNode.valueOf(value));
			this.issues.add(issue);
			return defaultValue;
		}
		return Boolean.parseBoolean(value);
	}

	void failIfInvalid() {
		if (!this.issues.isEmpty()) {
			throw ApiError.validation(this.generation.validationFailureStatus(), this.issues);
		}
	}

}
