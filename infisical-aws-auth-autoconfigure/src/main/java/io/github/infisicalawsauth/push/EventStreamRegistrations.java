package io.github.infisicalawsauth.push;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.secrets.SecretLocation;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * What the streams of one project register for: the four secret events for each folder
 * the application imports, named by its environment and its exact path, and for a
 * recursive import also {@code <path>/**}.
 * <p>
 * Infisical servers differ in how they match a registration: earlier ones take
 * {@code secretPath} as a prefix and {@code environmentSlug} as optional, current ones
 * match {@code environmentSlug} exactly (a registration without one matches nothing) and
 * {@code secretPath} as a glob. An environment with an exact path matches that folder
 * under both; {@code <path>/**} matches the folders below it under a glob and nothing
 * under a prefix, where the exact path covers them already. A folder below a recursive
 * import of the same environment needs no registration of its own.
 * <p>
 * A server takes 1 to 10 registrations per stream, so a stream carries at most two such
 * conditions, and a project that needs more gets one stream per two.
 *
 * @author Infisical AWS Auth contributors
 */
final class EventStreamRegistrations {

	static final List<String> EVENTS = List.of("secret:create", "secret:update", "secret:delete",
			"secret:import-mutation");

	static final int MAX_REGISTRATIONS = 10;

	static final int CONDITIONS_PER_STREAM = MAX_REGISTRATIONS / EVENTS.size();

	private static final JsonFactory JSON_FACTORY = new JsonFactory();

	private EventStreamRegistrations() {
	}

	/**
	 * Return the streams to open for the imports of one project, each with the conditions
	 * it registers and the imports it serves.
	 * @param locations the imported locations of the project
	 * @return the streams, at least one when there is a location
	 */
	static List<Group> groups(Collection<SecretLocation> locations) {
		Map<Condition, Folder> folders = new LinkedHashMap<>();
		for (SecretLocation location : locations) {
			Folder folder = folders.computeIfAbsent(new Condition(location.getEnvironment(), location.getPath()),
					(condition) -> new Folder(condition, new ArrayList<>()));
			folder.locations().add(location);
		}
		List<Folder> needed = new ArrayList<>();
		for (Folder folder : folders.values()) {
			// the highest one, which no other covers
			Folder cover = folders.values()
				.stream()
				.filter((other) -> other != folder && other.isRecursive() && other.covers(folder.condition()))
				.min(Comparator.comparingInt((other) -> other.condition().secretPath().length()))
				.orElse(null);
			if (cover != null) {
				// its events come with those of the recursive import, which reads it too
				cover.locations().addAll(folder.locations());
			}
			else {
				needed.add(folder);
			}
		}
		List<Group> groups = new ArrayList<>();
		List<Condition> conditions = new ArrayList<>();
		List<SecretLocation> served = new ArrayList<>();
		for (Folder folder : needed) {
			List<Condition> own = folder.conditions();
			if (!conditions.isEmpty() && conditions.size() + own.size() > CONDITIONS_PER_STREAM) {
				groups.add(new Group(List.copyOf(conditions), List.copyOf(served)));
				conditions.clear();
				served.clear();
			}
			conditions.addAll(own);
			served.addAll(folder.locations());
		}
		if (!conditions.isEmpty()) {
			groups.add(new Group(List.copyOf(conditions), List.copyOf(served)));
		}
		return groups;
	}

	/**
	 * Write the body of a subscription.
	 * @param projectId the project
	 * @param conditions the conditions, each registered for the four secret events
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
					json.writeStringProperty("environmentSlug", condition.environment());
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

	/**
	 * Where changes are announced.
	 *
	 * @param environment the environment slug
	 * @param secretPath an exact folder path, or one followed by {@code /**}
	 */
	record Condition(String environment, String secretPath) {

		@Override
		public String toString() {
			return this.environment + ":" + this.secretPath;
		}

	}

	/**
	 * What one stream registers for, and the imports it serves.
	 *
	 * @param conditions the conditions, at most {@link #CONDITIONS_PER_STREAM}
	 * @param locations the imported locations whose changes they announce
	 */
	record Group(List<Condition> conditions, List<SecretLocation> locations) {

	}

	/**
	 * An imported folder and the imports that read it.
	 */
	private record Folder(Condition condition, List<SecretLocation> locations) {

		boolean isRecursive() {
			return this.locations.stream().anyMatch(SecretLocation::isRecursive);
		}

		// whether a recursive import of this folder reads the other one
		boolean covers(Condition other) {
			String path = this.condition.secretPath();
			return this.condition.environment().equals(other.environment()) && (path.equals("/")
					|| other.secretPath().equals(path) || other.secretPath().startsWith(path + "/"));
		}

		List<Condition> conditions() {
			if (!isRecursive()) {
				return List.of(this.condition);
			}
			String path = this.condition.secretPath();
			String below = path.equals("/") ? "/**" : path + "/**";
			return List.of(this.condition, new Condition(this.condition.environment(), below));
		}

	}

}
