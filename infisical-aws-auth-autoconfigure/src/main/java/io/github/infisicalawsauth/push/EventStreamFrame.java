package io.github.infisicalawsauth.push;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One event of an Infisical event stream, read defensively: its data comes in two shapes
 * (the documentation's {@code {"data": {"eventType", "payload": [{"environment",
 * "secretPath", "secretKey"}]}}} and the server code's {@code type}, {@code secretKeys},
 * and an object instead of an array for import mutations), may carry unknown fields, and
 * may be anything at all. Only where a change happened is read from it, never keys or
 * values, and {@link #toString()} prints no data.
 *
 * @author Infisical AWS Auth contributors
 */
final class EventStreamFrame {

	private static final String SECRET_EVENT = "secret:";

	private final String name;

	private final String data;

	private final boolean cut;

	private @Nullable JsonNode json;

	private boolean parsed;

	/**
	 * Create a frame.
	 * @param name the {@code event:} name, {@code message} when there was none
	 * @param data the {@code data:} lines joined with {@code \n}
	 * @param cut whether data was dropped past the limit
	 */
	EventStreamFrame(String name, String data, boolean cut) {
		this.name = name;
		this.data = data;
		this.cut = cut;
	}

	String name() {
		return this.name;
	}

	String data() {
		return this.data;
	}

	boolean isPing() {
		return this.name.equals("ping");
	}

	boolean isError() {
		return this.name.equals("error");
	}

	/**
	 * Whether the event announces a change of secrets: named {@code secret:...}, or
	 * unnamed with a data type {@code secret:...}.
	 * @return {@code true} for a change
	 */
	boolean isSecretEvent() {
		if (this.name.startsWith(SECRET_EVENT)) {
			return true;
		}
		if (!this.name.equals("message")) {
			return false;
		}
		JsonNode event = event();
		String type = (event != null) ? text(event.get("type"), text(event.get("eventType"), null)) : null;
		return type != null && type.startsWith(SECRET_EVENT);
	}

	/**
	 * Return the environments where the event says secrets of the project changed.
	 * @param projectId the project of the stream; an entry that names another project is
	 * skipped
	 * @return the environments, possibly empty, or {@code null} if the event cannot be
	 * placed (data cut, not JSON, no payload, an entry without an environment)
	 */
	@Nullable Set<String> environments(String projectId) {
		JsonNode event = event();
		if (this.cut || event == null) {
			return null;
		}
		if (!projectId.equals(text(event.get("projectId"), projectId))) {
			return Set.of();
		}
		JsonNode payload = event.get("payload");
		if (payload == null || !(payload.isArray() || payload.isObject()) || payload.isEmpty()) {
			return null;
		}
		Set<String> environments = new LinkedHashSet<>();
		Iterable<JsonNode> entries = payload.isArray() ? payload : List.of(payload);
		for (JsonNode entry : entries) {
			if (entry == null || !entry.isObject()) {
				return null;
			}
			if (!projectId.equals(text(entry.get("projectId"), projectId))) {
				continue;
			}
			String environment = text(entry.get("environment"), null);
			if (environment == null) {
				return null;
			}
			environments.add(environment);
		}
		return environments;
	}

	/**
	 * Return the HTTP status that an {@code error} event names.
	 * @return the status, or {@code 0} if it names none
	 */
	int errorStatus() {
		JsonNode event = event();
		JsonNode status = (event != null) ? event.get("statusCode") : null;
		return (status != null && status.canConvertToInt()) ? status.asInt() : 0;
	}

	/**
	 * Return the {@code error} that an {@code error} event names, such as
	 * {@code PermissionDenied}.
	 * @return the error, or {@code null}
	 */
	@Nullable String errorName() {
		JsonNode event = event();
		String error = (event != null) ? text(event.get("error"), null) : null;
		// the server's own word, but kept short and on one line for the log
		return (error != null && error.length() <= 64 && error.chars().allMatch(Character::isLetterOrDigit)) ? error
				: null;
	}

	// the event object: under "data" in both shapes, the top level otherwise
	private @Nullable JsonNode event() {
		JsonNode json = json();
		if (json == null) {
			return null;
		}
		JsonNode inner = json.get("data");
		return (inner != null && inner.isObject()) ? inner : json;
	}

	private @Nullable JsonNode json() {
		if (!this.parsed) {
			this.parsed = true;
			try {
				JsonNode node = Json.MAPPER.readTree(this.data);
				this.json = (node != null && node.isObject()) ? node : null;
			}
			catch (JacksonException ex) {
				// not JSON: the caller treats it as an event it cannot place
				this.json = null;
			}
		}
		return this.json;
	}

	private static @Nullable String text(@Nullable JsonNode node, @Nullable String fallback) {
		return (node != null && node.isString()) ? node.asString() : fallback;
	}

	@Override
	public String toString() {
		return "EventStreamFrame[" + this.name + ", " + this.data.length() + " characters of data]";
	}

	// built on first use: only an application whose stream carries events needs it
	private static final class Json {

		static final JsonMapper MAPPER = JsonMapper.builder().build();

	}

}
