package io.github.infisicalawsauth.secrets;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalObservations;
import io.github.infisicalawsauth.secrets.SecretsAnswer.Secret;
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

	private static final int MAX_CACHED_LOCATIONS = 64;

	private final InfisicalHttpClient client;

	private final InfisicalTokenProvider tokenProvider;

	private final Map<SecretLocation, URI[]> uris = new ConcurrentHashMap<>();

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	// learned by the first read, so that v4 is asked at most once
	private volatile ServerGeneration generation = ServerGeneration.UNKNOWN;

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
		URI[] uris = uris(location);
		Read read = InfisicalObservations.observe(this.observationRegistry, "secrets.read", this::generationTag,
				(answer) -> (answer != null) ? 200 : 304,
				() -> call((v4) -> (token) -> this.client.get(uris[v4 ? 0 : 1], token, ifNoneMatch,
						(parser, head) -> new Read(
								SecretsAnswer.read(parser, location.isRecursive(), location.isIncludeImports()),
								head.etag()))));
		if (read == null) {
			return null;
		}
		if (this.generation == ServerGeneration.V2024 && read.answer().isEmpty()) {
			// the 2024 server answers a missing environment or folder with empty
			// lists
			checkFolderExists(location);
		}
		return new SecretsSnapshot(location, merge(location, read.answer()), read.etag(), false);
	}

	// built once per location: a poll that finds nothing changed should cost little
	private URI[] uris(SecretLocation location) {
		URI[] uris = this.uris.get(location);
		if (uris == null) {
			uris = new URI[] { this.client.uri(V4_PATH, query(location, true)),
					this.client.uri(V3_PATH, query(location, false)) };
			if (this.uris.size() < MAX_CACHED_LOCATIONS) {
				this.uris.put(location, uris);
			}
		}
		return uris;
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
			folders = withToken((token) -> this.client.get(FOLDERS_PATH, query, token, null)).read(JsonNode.class)
				.path("folders");
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
				this::generationTag, InfisicalHttpClient.Response::status, () -> call((v4) -> (token) -> this.client
					.get((v4 ? V4_PATH : V3_PATH) + "/" + encoded, query(location, v4), token, null)));
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

	private <T> T call(Function<Boolean, Function<String, T>> request) {
		ServerGeneration known = this.generation;
		if (known != ServerGeneration.V2024) {
			try {
				T answer = withToken(request.apply(true));
				this.generation = ServerGeneration.CURRENT;
				return answer;
			}
			catch (InfisicalApiException ex) {
				if (known == ServerGeneration.CURRENT || !isRouteMissing(ex)) {
					throw ex;
				}
				logger.info("Infisical at " + this.client.getSiteUrl()
						+ " has no /api/v4/secrets route (a server before 2025); using /api/v3/secrets/raw");
				this.generation = ServerGeneration.V2024;
			}
		}
		return withToken(request.apply(false));
	}

	private String generationTag() {
		return this.generation.name().toLowerCase(Locale.ROOT);
	}

	private <T> T withToken(Function<String, T> request) {
		InfisicalAccessToken token = this.tokenProvider.getToken();
		try {
			return request.apply(token.value());
		}
		catch (InfisicalApiException ex) {
			if (!ex.isTokenRejected()) {
				throw ex;
			}
			logger.info("Infisical rejected the access token (HTTP " + ex.getStatusCode()
					+ ((ex.getError() != null) ? " " + ex.getError() : "") + "); logging in again and retrying once");
			this.tokenProvider.tokenRejected(token);
			InfisicalAccessToken fresh = this.tokenProvider.getToken();
			return request.apply(fresh.value());
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
	static Map<String, String> merge(SecretLocation location, SecretsAnswer answer) {
		List<Secret> own = answer.own();
		if (own == null) {
			throw new InfisicalException(
					"The answer for the secrets of " + location.describe() + " has no 'secrets' list");
		}
		int size = own.size();
		for (List<Secret> secretImport : answer.imports()) {
			size += secretImport.size();
		}
		// sized once: a large folder should not be rehashed on the way
		Map<String, Secret> merged = new LinkedHashMap<>((int) (size / 0.75f) + 1);
		for (List<Secret> secretImport : answer.imports()) {
			secretImport.forEach((secret) -> put(merged, secret));
		}
		if (location.isRecursive()) {
			own = new ArrayList<>(own);
			// deepest folders first so that the requested folder's own secrets win
			own.sort(Comparator.comparingInt((Secret secret) -> depth(secret.path())).reversed());
			logShadowed(location, own);
		}
		own.forEach((secret) -> put(merged, secret));
		List<String> hidden = new ArrayList<>();
		Map<String, String> values = new LinkedHashMap<>((int) (merged.size() / 0.75f) + 1);
		merged.forEach((key, secret) -> {
			if (secret.hidden()) {
				hidden.add(key);
			}
			else {
				values.put(key, secret.value());
			}
		});
		if (!hidden.isEmpty()) {
			throw hidden(hidden, location);
		}
		return values;
	}

	private static void logShadowed(SecretLocation location, List<Secret> own) {
		if (!logger.isDebugEnabled()) {
			return;
		}
		Map<String, String> paths = new LinkedHashMap<>();
		for (Secret secret : own) {
			String previous = paths.put(secret.key(), secret.path());
			if (previous != null && !previous.equals(secret.path())) {
				logger.debug("Secret '" + secret.key() + "' exists in " + previous + " and " + secret.path() + " of "
						+ location.describe() + "; using the one in " + secret.path());
			}
		}
	}

	private static void put(Map<String, Secret> merged, Secret secret) {
		if (!secret.key().isEmpty()) {
			// remove first so that the winner takes the position of its last
			// definition
			merged.remove(secret.key());
			merged.put(secret.key(), secret);
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

	private record Read(SecretsAnswer answer, @Nullable String etag) {

	}

}
