package io.github.infisicalawsauth.push;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of an Infisical webhook notice, read defensively: the 2024 generation names
 * the project {@code project.workspaceId}, the current one also
 * {@code project.projectId}; fields a generation adds or drops are ignored. A notice says
 * where secrets changed, never what.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class WebhookPayload {

	/**
	 * The {@code event} of a notice about changed secrets.
	 */
	public static final String SECRETS_MODIFIED = "secrets.modified";

	private final String event;

	private final @Nullable String projectId;

	private final @Nullable String environment;

	private final @Nullable String secretPath;

	private final long timestamp;

	private WebhookPayload(String event, @Nullable String projectId, @Nullable String environment,
			@Nullable String secretPath, long timestamp) {
		this.event = event;
		this.projectId = projectId;
		this.environment = environment;
		this.secretPath = secretPath;
		this.timestamp = timestamp;
	}

	/**
	 * Read a notice body.
	 * @param body the exact body bytes
	 * @return the payload
	 * @throws IllegalArgumentException if the body is not a JSON object with an
	 * {@code event} and a numeric {@code timestamp}; the message quotes nothing of the
	 * body
	 */
	public static WebhookPayload parse(byte[] body) {
		JsonNode root;
		try {
			root = Json.MAPPER.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("the body is not JSON");
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("the body is not a JSON object");
		}
		String event = text(root.get("event"));
		if (event == null) {
			throw new IllegalArgumentException("the body has no 'event'");
		}
		JsonNode timestamp = root.get("timestamp");
		if (timestamp == null || !timestamp.isIntegralNumber() || !timestamp.canConvertToLong()) {
			throw new IllegalArgumentException("the body has no numeric 'timestamp'");
		}
		JsonNode project = root.path("project");
		String projectId = text(project.get("projectId"));
		if (projectId == null) {
			projectId = text(project.get("workspaceId"));
		}
		return new WebhookPayload(event, projectId, text(project.get("environment")), text(project.get("secretPath")),
				timestamp.asLong());
	}

	private static @Nullable String text(@Nullable JsonNode node) {
		return (node != null && node.isString() && !node.asString().isEmpty()) ? node.asString() : null;
	}

	/**
	 * Return the event.
	 * @return the event, for example {@value #SECRETS_MODIFIED}
	 */
	public String getEvent() {
		return this.event;
	}

	/**
	 * Whether the notice says that secrets changed.
	 * @return whether the event is {@value #SECRETS_MODIFIED}
	 */
	public boolean isSecretsModified() {
		return SECRETS_MODIFIED.equals(this.event);
	}

	/**
	 * Return the id of the project whose secrets changed.
	 * @return {@code project.projectId}, else {@code project.workspaceId}, or
	 * {@code null} if the body has neither
	 */
	public @Nullable String getProjectId() {
		return this.projectId;
	}

	/**
	 * Return the slug of the environment whose secrets changed.
	 * @return {@code project.environment}, or {@code null} if the body has none
	 */
	public @Nullable String getEnvironment() {
		return this.environment;
	}

	/**
	 * Return the path of the folder whose secrets changed.
	 * @return {@code project.secretPath}, or {@code null} if the body has none
	 */
	public @Nullable String getSecretPath() {
		return this.secretPath;
	}

	/**
	 * Return when Infisical sent the notice.
	 * @return the body's {@code timestamp}, milliseconds since the epoch
	 */
	public long getTimestamp() {
		return this.timestamp;
	}

	@Override
	public String toString() {
		return "WebhookPayload[" + this.event + ", project '" + this.projectId + "', environment '" + this.environment
				+ "', path '" + this.secretPath + "', timestamp " + this.timestamp + "]";
	}

	// built on first use, on the thread of the first notice
	private static final class Json {

		static final JsonMapper MAPPER = JsonMapper.builder().build();

	}

}
