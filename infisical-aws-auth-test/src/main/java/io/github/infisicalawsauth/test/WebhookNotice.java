package io.github.infisicalawsauth.test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request that Infisical POSTs to a webhook after secrets changed at a location: the
 * exact JSON body bytes and, when the webhook has a secret key, the
 * {@value #SIGNATURE_HEADER} header {@code t=<timestamp>;<hex>}, where {@code <hex>} is
 * the HMAC-SHA256 of the body keyed with the secret key (its UTF-8 bytes) and
 * {@code <timestamp>} the body's {@code timestamp}.
 * <p>
 * The body of the {@link Generation#V2024 2024} generation: <pre class="code">
 * {"event":"secrets.modified","project":{"workspaceId":"p1","environment":"dev","secretPath":"/app"},"timestamp":1736935200000}
 * </pre> The {@link Generation#CURRENT current} one adds {@code projectId},
 * {@code projectName} and {@code environmentName} (the test server's projects and
 * environments have no names apart from their id and slug), {@code changedBy} and
 * {@code changedByActorType} ({@value #CHANGED_BY} and {@value #CHANGED_BY_ACTOR_TYPE}):
 * <pre class="code">
 * {"event":"secrets.modified","project":{"workspaceId":"p1","projectId":"p1","projectName":"p1","environment":"dev","environmentName":"dev","secretPath":"/app","changedBy":"infisical-test-server","changedByActorType":"platform"},"timestamp":1736935200000}
 * </pre> Tests that send forged, tampered, stale or replayed notices themselves build
 * them with {@link #of} or {@link Webhook#notice(String)} and {@link #sign}. The
 * {@link #toString()} of a notice shows neither key nor signature.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class WebhookNotice {

	/**
	 * Name of the signature header, as Infisical writes it.
	 */
	public static final String SIGNATURE_HEADER = "x-infisical-signature";

	/**
	 * The {@code event} of a notice about changed secrets.
	 */
	public static final String SECRETS_MODIFIED = "secrets.modified";

	/**
	 * The {@code changedBy} of the current generation's notices: changes are made by the
	 * test, not by a user or identity of the server.
	 */
	public static final String CHANGED_BY = "infisical-test-server";

	/**
	 * The {@code changedByActorType} of the current generation's notices.
	 */
	public static final String CHANGED_BY_ACTOR_TYPE = "platform";

	private final String projectId;

	private final String environment;

	private final String secretPath;

	private final long timestamp;

	private final byte[] body;

	private final @Nullable String signatureHeader;

	private WebhookNotice(String projectId, String environment, String secretPath, long timestamp, byte[] body,
			@Nullable String signatureHeader) {
		this.projectId = projectId;
		this.environment = environment;
		this.secretPath = secretPath;
		this.timestamp = timestamp;
		this.body = body;
		this.signatureHeader = signatureHeader;
	}

	/**
	 * Build the notice that a server of a generation sends about a change at a location.
	 * @param generation the generation, whose body shape the notice takes
	 * @param projectId the project id
	 * @param environment the environment slug
	 * @param secretPath the path of the folder that changed
	 * @param timestamp the {@code timestamp}, in milliseconds since the epoch
	 * @param secretKey the webhook's secret key, or {@code null} for an unsigned notice
	 * @return the notice
	 */
	public static WebhookNotice of(Generation generation, String projectId, String environment, String secretPath,
			long timestamp, @Nullable String secretKey) {
		if (generation == null) {
			throw new IllegalArgumentException("'generation' must not be null");
		}
		checkNotEmpty(projectId, "projectId");
		checkNotEmpty(environment, "environment");
		checkNotEmpty(secretPath, "secretPath");
		if (secretKey != null && secretKey.isEmpty()) {
			throw new IllegalArgumentException("'secretKey' must not be empty");
		}
		ObjectNode json = Json.MAPPER.createObjectNode();
		json.put("event", SECRETS_MODIFIED);
		ObjectNode project = json.putObject("project");
		project.put("workspaceId", projectId);
		if (generation == Generation.CURRENT) {
			project.put("projectId", projectId);
			project.put("projectName", projectId);
		}
		project.put("environment", environment);
		if (generation == Generation.CURRENT) {
			project.put("environmentName", environment);
		}
		project.put("secretPath", secretPath);
		if (generation == Generation.CURRENT) {
			project.put("changedBy", CHANGED_BY);
			project.put("changedByActorType", CHANGED_BY_ACTOR_TYPE);
		}
		json.put("timestamp", timestamp);
		byte[] body = Json.MAPPER.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
		String signature = (secretKey != null) ? sign(secretKey, body, timestamp) : null;
		return new WebhookNotice(projectId, environment, secretPath, timestamp, body, signature);
	}

	/**
	 * Compute the value of the {@value #SIGNATURE_HEADER} header for a body.
	 * @param secretKey the webhook's secret key
	 * @param body the exact body bytes
	 * @param timestamp the timestamp to put in the header, in milliseconds since the
	 * epoch (Infisical puts the body's {@code timestamp})
	 * @return {@code t=<timestamp>;<lowercase hex of HMAC-SHA256(secretKey, body)>}
	 */
	public static String sign(String secretKey, byte[] body, long timestamp) {
		checkNotEmpty(secretKey, "secretKey");
		if (body == null) {
			throw new IllegalArgumentException("'body' must not be null");
		}
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return "t=" + timestamp + ";" + HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Return the project id.
	 * @return the project id, the body's {@code project.workspaceId}
	 */
	public String projectId() {
		return this.projectId;
	}

	/**
	 * Return the environment slug.
	 * @return the slug, the body's {@code project.environment}
	 */
	public String environment() {
		return this.environment;
	}

	/**
	 * Return the path of the folder that changed.
	 * @return the path, the body's {@code project.secretPath}
	 */
	public String secretPath() {
		return this.secretPath;
	}

	/**
	 * Return the timestamp of the body and of the signature.
	 * @return milliseconds since the epoch
	 */
	public long timestamp() {
		return this.timestamp;
	}

	/**
	 * Return the exact body bytes, which the signature covers.
	 * @return a copy of the UTF-8 JSON body
	 */
	public byte[] body() {
		return this.body.clone();
	}

	/**
	 * Return the value of the {@value #SIGNATURE_HEADER} header.
	 * @return the value, or {@code null} when the webhook has no secret key and the
	 * notice goes without the header
	 */
	public @Nullable String signatureHeader() {
		return this.signatureHeader;
	}

	private static void checkNotEmpty(@Nullable String value, String name) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("'" + name + "' must not be empty");
		}
	}

	@Override
	public String toString() {
		return "WebhookNotice[" + this.projectId + "/" + this.environment + ":" + this.secretPath + ", timestamp "
				+ this.timestamp + ", " + ((this.signatureHeader != null) ? "signed" : "unsigned") + "]";
	}

}
