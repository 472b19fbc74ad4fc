package io.github.infisicalawsauth.test;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import io.github.infisicalawsauth.test.EventStreams.Registration;
import io.github.infisicalawsauth.test.EventStreams.Subscription;
import io.github.infisicalawsauth.test.SecretStore.SecretEvent;

/**
 * The event subscription route of current servers,
 * {@code POST /api/v1/events/subscribe/project-events}: checks the token, the body, the
 * plan and the identity's access to the project, in that order; the stream itself is
 * served by {@link EventStreams}.
 *
 * @author Infisical AWS Auth contributors
 */
final class EventRoutes {

	static final int MAX_REGISTRATIONS = 10;

	private static final String EVENT_TYPES = "'secret:create' | 'secret:update' | 'secret:delete' | "
			+ "'secret:import-mutation'";

	private final InfisicalTestServer server;

	private final Generation generation;

	EventRoutes(InfisicalTestServer server) {
		this.server = server;
		this.generation = server.generation();
	}

	/**
	 * Return whether a request is a subscription this server serves.
	 * @param request the request
	 * @return {@code false} for other routes and on servers without event subscriptions,
	 * which answer {@code 404} for the route
	 */
	boolean isSubscription(RecordedRequest request) {
		return this.generation.hasEventSubscriptions() && "POST".equals(request.method())
				&& EventStreams.SUBSCRIBE_PATH.equals(request.path());
	}

	/**
	 * Check a subscription request.
	 * @param request the request
	 * @return the subscription to stream
	 * @throws ApiError the error to answer instead
	 */
	Subscription subscribe(RecordedRequest request) {
		IdentitySpec identity = this.server.authenticate(request);
		JsonNode body = Json.readBody(request);
		List<ObjectNode> issues = new ArrayList<>();
		List<Registration> registrations = new ArrayList<>();
		if (Json.checkObject(body, issues)) {
			Json.requireString(body, "projectId", issues);
			readRegistrations(body.path("register"), registrations, issues);
		}
		if (!issues.isEmpty()) {
			throw ApiError.validation(this.generation.validationFailureStatus(), issues);
		}
		String projectId = body.get("projectId").asString();
		ApiError refusal = this.server.eventStreams().refusal();
		if (refusal != null) {
			throw refusal;
		}
		if (!identity.canRead(projectId)) {
			ArrayNode details = Json.MAPPER.createArrayNode();
			ObjectNode rule = details.addObject();
			rule.put("action", "subscribe");
			rule.put("subject", "secret-events");
			throw ApiError.permissionDenied("You are not allowed to subscribe on secret-events", details);
		}
		return new Subscription(identity.identityId(), projectId, List.copyOf(registrations));
	}

	private static void readRegistrations(JsonNode register, List<Registration> registrations,
			List<ObjectNode> issues) {
		if (!register.isArray()) {
			issues.add(Json.invalidType("register", "array", register));
			return;
		}
		if (register.isEmpty()) {
			issues.add(sizeIssue("too_small", "Array must contain at least 1 element(s)", 1));
		}
		else if (register.size() > MAX_REGISTRATIONS) {
			issues.add(sizeIssue("too_big", "Array must contain at most 10 element(s)", MAX_REGISTRATIONS));
		}
		for (int i = 0; i < register.size(); i++) {
			Registration registration = readRegistration(register.get(i), i, issues);
			if (registration != null) {
				registrations.add(registration);
			}
		}
	}

	private static @Nullable Registration readRegistration(JsonNode entry, int index, List<ObjectNode> issues) {
		if (!entry.isObject()) {
			issues.add(withPath(Json.invalidType("register", "object", entry), index));
			return null;
		}
		int before = issues.size();
		JsonNode eventNode = entry.path("event");
		SecretEvent event = eventNode.isString() ? SecretEvent.ofType(eventNode.asString()) : null;
		if (event == null) {
			ObjectNode issue = Json.issue("invalid_enum_value", "register",
					"Invalid enum value. Expected " + EVENT_TYPES + ", received '"
							+ (eventNode.isValueNode() ? eventNode.asString() : Json.typeOf(eventNode)) + "'");
			issue.set("received", eventNode.isValueNode() ? eventNode : StringNode.valueOf(Json.typeOf(eventNode)));
			issues.add(withPath(issue, index, "event"));
		}
		JsonNode conditions = entry.path("conditions");
		@Nullable String environmentSlug = null;
		String secretPath = "/";
		if (!conditions.isMissingNode()) {
			if (!conditions.isObject()) {
				issues.add(withPath(Json.invalidType("register", "object", conditions), index, "conditions"));
			}
			else {
				environmentSlug = optionalString(conditions, "environmentSlug", index, issues);
				String path = optionalString(conditions, "secretPath", index, issues);
				secretPath = (path != null) ? path : "/";
			}
		}
		return (issues.size() == before && event != null) ? new Registration(event, environmentSlug, secretPath) : null;
	}

	private static @Nullable String optionalString(JsonNode conditions, String name, int index,
			List<ObjectNode> issues) {
		JsonNode value = conditions.path(name);
		if (value.isMissingNode()) {
			return null;
		}
		if (!value.isString()) {
			issues.add(withPath(Json.invalidType("register", "string", value), index, "conditions", name));
			return null;
		}
		return value.asString();
	}

	private static ObjectNode sizeIssue(String code, String message, int bound) {
		ObjectNode issue = Json.issue(code, "register", message);
		issue.put((code.equals("too_small") ? "minimum" : "maximum"), bound);
		issue.put("type", "array");
		issue.put("inclusive", true);
		return issue;
	}

	/**
	 * Set the path of an issue about an element of {@code register}, as zod names it:
	 * {@code ["register", 0, "event"]}.
	 */
	private static ObjectNode withPath(ObjectNode issue, int index, String... rest) {
		ArrayNode path = issue.putArray("path");
		path.add("register");
		path.add(index);
		for (String part : rest) {
			path.add(part);
		}
		return issue;
	}

}
