package io.github.infisicalawsauth.test;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * An error answer of the test server, rendered in the body shape of the server's
 * generation. Thrown by route handlers.
 *
 * @author Infisical AWS Auth contributors
 */
final class ApiError extends RuntimeException {

	static final String SOMETHING_WENT_WRONG = "Something went wrong";

	private final int status;

	private final String error;

	private final JsonNode messageNode;

	private final @Nullable JsonNode details;

	private ApiError(int status, String error, JsonNode message, @Nullable JsonNode details) {
		super(error + " " + status, null, false, false);
		this.status = status;
		this.error = error;
		this.messageNode = message;
		this.details = details;
	}

	static ApiError of(int status, String error, String message) {
		return new ApiError(status, error, StringNode.valueOf(message), null);
	}

	static ApiError badRequest(String message) {
		return of(400, "BadRequest", message);
	}

	static ApiError unauthorized(String message) {
		return of(401, "UnauthorizedError", message);
	}

	static ApiError tokenError(String message) {
		return of(403, "TokenError", message);
	}

	static ApiError notFound(String message) {
		return of(404, "NotFound", message);
	}

	static ApiError routeNotFound(String method, String path) {
		return of(404, "Not Found", "Route " + method + ":" + path + " not found");
	}

	static ApiError internal() {
		return of(500, "InternalServerError", SOMETHING_WENT_WRONG);
	}

	static ApiError permissionDenied(String message, JsonNode details) {
		return new ApiError(403, "PermissionDenied", StringNode.valueOf(message), details);
	}

	static ApiError validation(int status, List<ObjectNode> issues) {
		ArrayNode array = Json.MAPPER.createArrayNode();
		issues.forEach(array::add);
		return new ApiError(status, "ValidationFailure", array, null);
	}

	int status() {
		return this.status;
	}

	/**
	 * Render the error body.
	 * @param requestId the request id, or {@code null} when the generation sends none
	 * @return the body
	 */
	ObjectNode toJson(@Nullable String requestId) {
		ObjectNode body = Json.MAPPER.createObjectNode();
		if (requestId != null) {
			body.put("reqId", requestId);
		}
		body.put("statusCode", this.status);
		body.set("message", this.messageNode);
		body.put("error", this.error);
		if (this.details != null) {
			body.set("details", this.details);
		}
		return body;
	}

}
