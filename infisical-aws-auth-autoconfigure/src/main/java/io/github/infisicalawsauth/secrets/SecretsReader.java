package io.github.infisicalawsauth.secrets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalObservations;
import io.github.infisicalawsauth.client.ServerGeneration;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One attempt at reading secrets: picks {@code /api/v4/secrets} or, on servers without
 * it, {@code /api/v3/secrets/raw}, sends every flag explicitly, logs in again and retries
 * once when the token is rejected, and merges imports. Never logs or reports a value.
 *
 * @author Infisical AWS Auth contributors
 */
final class SecretsReader {

	static final String V4_PATH = "/v4/secrets";

	static final String V3_PATH = "/v3/secrets/raw";

	static final String FOLDERS_PATH = "/v1/folders";

	static final String HIDDEN_VALUE = "<hidden-by-infisical>";

	private static final Log logger = LogFactory.getLog(SecretsReader.class);

	private final InfisicalHttpClient client;

	private final InfisicalTokenProvider tokenProvider;

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	SecretsReader(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider) {
		this.client = client;
		this.tokenProvider = tokenProvider;
	}

	void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Read the secrets of a location.
	 * @param location the location
	 * @param ifNoneMatch the ETag of the previous answer, if any
	 * @return the secrets, or {@code null} if they did not change since
	 * {@code ifNoneMatch}
	 */
	@Nullable SecretsSnapshot list(SecretLocation location, @Nullable String ifNoneMatch) {
		InfisicalHttpClient.Response response = InfisicalObservations.observe(this.observationRegistry, "secrets.read",
				this.client, InfisicalHttpClient.Response::status,
				() -> call((v4) -> v4 ? V4_PATH : V3_PATH, (v4) -> query(location, v4), ifNoneMatch));
		if (response.notModified()) {
			return null;
		}
		JsonNode body = response.read(JsonNode.class);
		if (this.client.getServerGeneration() == ServerGeneration.V2024 && isEmpty(body)) {
			// the 2024 server answers a missing environment or folder with empty
			// lists
			checkFolderExists(location);
		}
		return new SecretsSnapshot(location, merge(location, body), response.etag());
	}

	private static boolean isEmpty(JsonNode body) {
		return body.path("secrets").isEmpty() && body.path("imports").isEmpty();
	}

	/**
	 * Tell a missing environment or folder from an empty one by listing the child folders
	 * of the parent: a missing environment answers 404, a missing folder is not listed.
	 */
	private void checkFolderExists(SecretLocation location) {
		String path = location.getPath();
		int slash = path.lastIndexOf('/');
		String parent = (slash <= 0) ? "/" : path.substring(0, slash);
		String name = path.substring(slash + 1);
		Map<String, String> query = new LinkedHashMap<>();
		query.put("workspaceId", location.getProjectId());
		query.put("environment", location.getEnvironment());
		query.put("path", parent);
		JsonNode folders;
		try {
			folders = withToken(FOLDERS_PATH, query, null).read(JsonNode.class).path("folders");
		}
		catch (InfisicalApiException ex) {
			if (ex.getStatusCode() == 404 && !isRouteMissing(ex)) {
				throw new SecretsNotFoundException("Reading the secrets of " + location.describe(), ex.getError(),
						ex.getServerMessage(), ex.getReqId());
			}
			if (ex.isTransient()) {
				throw ex;
			}
			logger.warn(
					"Cannot tell whether " + location.describe() + " exists; reading it as empty: " + ex.getMessage());
			return;
		}
		if (name.isEmpty()) {
			return;
		}
		for (JsonNode folder : folders) {
			if (name.equals(text(folder, "name"))) {
				return;
			}
		}
		throw new SecretsNotFoundException("Reading the secrets of " + location.describe(), "NotFound",
				"Folder '" + path + "' does not exist in environment '" + location.getEnvironment()
						+ "' (the server answered an empty list; its folders API does not list it)",
				null);
	}

	/**
	 * Read one secret.
	 * @param location the folder that holds it (its imports are searched too)
	 * @param name the secret name
	 * @return the value
	 */
	String single(SecretLocation location, String name) {
		String encoded = InfisicalHttpClient.encodePathSegment(name);
		InfisicalHttpClient.Response response = InfisicalObservations.observe(this.observationRegistry, "secrets.read",
				this.client, InfisicalHttpClient.Response::status,
				() -> call((v4) -> (v4 ? V4_PATH : V3_PATH) + "/" + encoded, (v4) -> query(location, v4), null));
		JsonNode secret = response.read(JsonNode.class).path("secret");
		if (!secret.isObject()) {
			throw new InfisicalException(
					"The answer for secret '" + name + "' of " + location.describe() + " holds no secret");
		}
		if (isHidden(secret)) {
			throw hidden(List.of(name), location);
		}
		return text(secret, "secretValue");
	}

	private InfisicalHttpClient.Response call(Function<Boolean, String> path,
			Function<Boolean, Map<String, String>> query, @Nullable String ifNoneMatch) {
		// known per site, so that every reader of the site asks v4 at most once
		ServerGeneration known = this.client.getServerGeneration();
		if (known != ServerGeneration.V2024) {
			try {
				InfisicalHttpClient.Response response = withToken(path.apply(true), query.apply(true), ifNoneMatch);
				this.client.setServerGeneration(ServerGeneration.CURRENT);
				return response;
			}
			catch (InfisicalApiException ex) {
				if (known == ServerGeneration.CURRENT || !isRouteMissing(ex)) {
					throw ex;
				}
				logger.info("Infisical at " + this.client.getSiteUrl()
						+ " has no /api/v4/secrets route (a server before 2025); using /api/v3/secrets/raw");
				this.client.setServerGeneration(ServerGeneration.V2024);
			}
		}
		return withToken(path.apply(false), query.apply(false), ifNoneMatch);
	}

	private InfisicalHttpClient.Response withToken(String path, Map<String, String> query,
			@Nullable String ifNoneMatch) {
		InfisicalAccessToken token = this.tokenProvider.getToken();
		try {
			return this.client.get(path, query, token.value(), ifNoneMatch);
		}
		catch (InfisicalApiException ex) {
			if (!ex.isTokenRejected()) {
				throw ex;
			}
			logger.info("Infisical rejected the access token (HTTP " + ex.getStatusCode()
					+ ((ex.getError() != null) ? " " + ex.getError() : "") + "); logging in again and retrying once");
			this.tokenProvider.tokenRejected(token);
			InfisicalAccessToken fresh = this.tokenProvider.getToken();
			return this.client.get(path, query, fresh.value(), ifNoneMatch);
		}
	}

	/**
	 * Whether a 404 means "this route does not exist" (Fastify's answer, from a server
	 * without v4) rather than "no such folder or secret".
	 */
	static boolean isRouteMissing(InfisicalApiException ex) {
		if (ex.getStatusCode() != 404) {
			return false;
		}
		String message = ex.getServerMessage();
		return "Not Found".equals(ex.getError()) || (message.startsWith("Route ") && message.endsWith("not found"));
	}

	static Map<String, String> query(SecretLocation location, boolean v4) {
		Map<String, String> query = new LinkedHashMap<>();
		query.put(v4 ? "projectId" : "workspaceId", location.getProjectId());
		query.put("environment", location.getEnvironment());
		query.put("secretPath", location.getPath());
		query.put("viewSecretValue", "true");
		query.put("expandSecretReferences", Boolean.toString(location.isExpandReferences()));
		query.put("recursive", Boolean.toString(location.isRecursive()));
		query.put("includeImports", Boolean.toString(location.isIncludeImports()));
		query.put("include_imports", Boolean.toString(location.isIncludeImports()));
		query.put("includePersonalOverrides", "false");
		return query;
	}

	/**
	 * Merge the answer the way the Infisical CLI does: imports first, later imports
	 * winning, then the folder's own secrets, which win over every import. With
	 * {@code recursive} a key found in several folders takes the value of the folder
	 * closest to the requested path.
	 */
	static Map<String, String> merge(SecretLocation location, JsonNode body) {
		JsonNode secretsNode = body.path("secrets");
		if (!secretsNode.isArray()) {
			throw new InfisicalException(
					"The answer for the secrets of " + location.describe() + " has no 'secrets' list");
		}
		Map<String, JsonNode> merged = new LinkedHashMap<>();
		if (location.isIncludeImports()) {
			for (JsonNode secretImport : body.path("imports")) {
				for (JsonNode secret : secretImport.path("secrets")) {
					put(merged, secret);
				}
			}
		}
		List<JsonNode> own = new ArrayList<>();
		secretsNode.forEach(own::add);
		// deepest folders first so that the requested folder's own secrets win
		own.sort(Comparator.comparingInt((JsonNode secret) -> depth(text(secret, "secretPath"))).reversed());
		Map<String, String> ownPaths = new LinkedHashMap<>();
		for (JsonNode secret : own) {
			String key = text(secret, "secretKey");
			String path = text(secret, "secretPath");
			String previous = ownPaths.put(key, path);
			if (previous != null && !previous.equals(path) && logger.isDebugEnabled()) {
				logger.debug("Secret '" + key + "' exists in " + previous + " and " + path + " of "
						+ location.describe() + "; using the one in " + path);
			}
			put(merged, secret);
		}
		List<String> hidden = new ArrayList<>();
		Map<String, String> values = new LinkedHashMap<>();
		merged.forEach((key, secret) -> {
			if (isHidden(secret)) {
				hidden.add(key);
			}
			else {
				values.put(key, text(secret, "secretValue"));
			}
		});
		if (!hidden.isEmpty()) {
			throw hidden(hidden, location);
		}
		return values;
	}

	private static void put(Map<String, JsonNode> merged, JsonNode secret) {
		String key = text(secret, "secretKey");
		if (!key.isEmpty()) {
			// remove first so that the winner takes the position of its last
			// definition
			merged.remove(key);
			merged.put(key, secret);
		}
	}

	private static int depth(String path) {
		int depth = 0;
		for (int i = 0; i < path.length(); i++) {
			if (path.charAt(i) == '/') {
				depth++;
			}
		}
		return ("/".equals(path) || path.isEmpty()) ? 0 : depth;
	}

	private static boolean isHidden(JsonNode secret) {
		return secret.path("secretValueHidden").asBoolean(false) || HIDDEN_VALUE.equals(text(secret, "secretValue"));
	}

	private static InfisicalException hidden(List<String> keys, SecretLocation location) {
		String names = String.join("', '", keys);
		return new InfisicalException("Infisical hides the value of secret" + ((keys.size() > 1) ? "s" : "") + " '"
				+ names + "' of " + location.describe()
				+ " from this machine identity: give it permission to read secret values there, or remove the "
				+ "secret from the location");
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isValueNode() && !value.isNull()) ? value.asString() : "";
	}

}
