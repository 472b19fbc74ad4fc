package io.github.infisicalawsauth.push;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.secrets.SecretLocation;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * What a subscription registers for: the four secret events for each environment and path
 * the application imports from a project. The server takes 1 to 10 registrations and
 * matches {@code secretPath} as a prefix, so each imported path is registered (a path
 * below another one is covered by it); when that needs more than 10, each environment is
 * registered with the longest path its imports share, and when that still needs more, the
 * whole project. Broader registrations only cost reads that find nothing changed.
 *
 * @author Infisical AWS Auth contributors
 */
final class EventStreamRegistrations {

	static final List<String> EVENTS = List.of("secret:create", "secret:update", "secret:delete",
			"secret:import-mutation");

	static final int MAX_REGISTRATIONS = 10;

	private static final JsonFactory JSON_FACTORY = new JsonFactory();

	private EventStreamRegistrations() {
	}

	/**
	 * Return the conditions to register for the imports of one project.
	 * @param locations the imported locations of the project
	 * @return the conditions, each registered for the four secret events
	 */
	static List<Condition> conditions(Collection<SecretLocation> locations) {
		Map<String, List<String>> pathsByEnvironment = new LinkedHashMap<>();
		for (SecretLocation location : locations) {
			List<String> paths = pathsByEnvironment.computeIfAbsent(location.getEnvironment(),
					(environment) -> new ArrayList<>());
			if (!paths.contains(location.getPath())) {
				paths.add(location.getPath());
			}
		}
		int fit = MAX_REGISTRATIONS / EVENTS.size();
		List<Condition> exact = new ArrayList<>();
		pathsByEnvironment.forEach((environment, paths) -> {
			for (String path : paths) {
				if (paths.stream().noneMatch((other) -> !other.equals(path) && isWithin(path, other))) {
					exact.add(new Condition(environment, path));
				}
			}
		});
		if (exact.size() <= fit) {
			return exact;
		}
		if (pathsByEnvironment.size() <= fit) {
			List<Condition> shared = new ArrayList<>();
			pathsByEnvironment.forEach((environment, paths) -> shared.add(new Condition(environment, shared(paths))));
			return shared;
		}
		return List.of(new Condition(null, "/"));
	}

	/**
	 * Write the body of a subscription.
	 * @param projectId the project
	 * @param conditions the conditions
	 * @return the JSON body
	 */
	static byte[] body(String projectId, List<Condition> conditions) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
		try (JsonGenerator json = JSON_FACTORY.createGenerator(ObjectWriteContext.empty(), bytes)) {
			json.writeStartObject();
			json.writeStringProperty("projectId", projectId);
			json.writeArrayPropertyStart("register");
			for (Condition condition : conditions) {
				for (String event : EVENTS) {
					json.writeStartObject();
					json.writeStringProperty("event", event);
					json.writeObjectPropertyStart("conditions");
					if (condition.environment() != null) {
						json.writeStringProperty("environmentSlug", condition.environment());
					}
					json.writeStringProperty("secretPath", condition.secretPath());
					json.writeEndObject();
					json.writeEndObject();
				}
			}
			json.writeEndArray();
			json.writeEndObject();
		}
		return bytes.toByteArray();
	}

	// whether a normalised path is the other one or below it
	private static boolean isWithin(String path, String other) {
		return other.equals("/") || path.equals(other) || path.startsWith(other + "/");
	}

	private static String shared(List<String> paths) {
		String shared = paths.get(0);
		for (String path : paths) {
			while (!isWithin(path, shared)) {
				shared = shared.substring(0, Math.max(1, shared.lastIndexOf('/')));
			}
		}
		return shared;
	}

	/**
	 * Where changes are announced.
	 *
	 * @param environment the environment slug, or {@code null} for every environment
	 * @param secretPath the prefix of the folder paths
	 */
	record Condition(@Nullable String environment, String secretPath) {

	}

}
