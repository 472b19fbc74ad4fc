package io.github.infisicalawsauth.push;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
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
 * recursive import also {@code <path>/**}; or, for an environment whose folders need more
 * than one stream, the deepest folder {@code P} that holds them all.
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
 * conditions, but Infisical allows only
 * {@value EventStreamSubscriptions#MAX_STREAMS_PER_PROJECT} open streams per project and
 * machine identity, counted across every instance that shares the identity: one stream
 * per two folders would let an instance that imports eleven folders of a project lock
 * itself out, and three instances that import three each lock out one another. The
 * precision would buy little, as any event makes every import of its project and
 * environment be read again. So an environment whose folders need more conditions than a
 * stream carries registers {@code P} and {@code P/**} instead ({@code /} and {@code /**}
 * for the root): a prefix {@code P} matches everything below it, a glob needs both. A
 * change below {@code P} in a folder that is not imported then costs a conditional read
 * of the environment's imports. An environment whose conditions fit in a stream, as two
 * folders or a recursive import, keeps them exact. Environments are never split between
 * streams and share one while their conditions fit: a project takes at most one stream
 * per environment, and one for any number of folders of a single environment.
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
	 * @return the streams, at least one when there is a location, at most one per
	 * environment
	 */
	static List<Group> groups(Collection<SecretLocation> locations) {
		Map<Condition, Folder> folders = new LinkedHashMap<>();
		Map<String, List<SecretLocation>> served = new LinkedHashMap<>();
		for (SecretLocation location : locations) {
			Folder folder = folders.computeIfAbsent(new Condition(location.getEnvironment(), location.getPath()),
					(condition) -> new Folder(condition, new ArrayList<>()));
			folder.locations().add(location);
			served.computeIfAbsent(location.getEnvironment(), (environment) -> new ArrayList<>()).add(location);
		}
		Map<String, List<Folder>> needed = new LinkedHashMap<>();
		for (Folder folder : folders.values()) {
			// a recursive import of the same environment reads it and hears of it
			boolean covered = folders.values()
				.stream()
				.anyMatch((other) -> other != folder && other.isRecursive() && other.covers(folder.condition()));
			if (!covered) {
				needed.computeIfAbsent(folder.condition().environment(), (environment) -> new ArrayList<>())
					.add(folder);
			}
		}
		List<List<Condition>> streams = new ArrayList<>();
		List<List<SecretLocation>> servedByStream = new ArrayList<>();
		needed.forEach((environment, environmentFolders) -> {
			List<Condition> conditions = environmentFolders.stream()
				.flatMap((folder) -> folder.conditions().stream())
				.toList();
			if (conditions.size() > CONDITIONS_PER_STREAM) {
				String common = environmentFolders.stream()
					.map((folder) -> folder.condition().secretPath())
					.reduce(EventStreamRegistrations::commonAncestor)
					.orElseThrow();
				conditions = folderAndBelow(environment, common);
			}
			// the first stream with room: an environment takes one or two conditions
			int stream = 0;
			while (stream < streams.size() && streams.get(stream).size() + conditions.size() > CONDITIONS_PER_STREAM) {
				stream++;
			}
			if (stream == streams.size()) {
				streams.add(new ArrayList<>());
				servedByStream.add(new ArrayList<>());
			}
			streams.get(stream).addAll(conditions);
			servedByStream.get(stream).addAll(served.get(environment));
		});
		List<Group> groups = new ArrayList<>();
		for (int i = 0; i < streams.size(); i++) {
			groups.add(new Group(List.copyOf(streams.get(i)), List.copyOf(servedByStream.get(i))));
		}
		return groups;
	}

	/**
	 * Return the deepest folder that holds both: {@code /a} for {@code /a/b} and
	 * {@code /a/c}, {@code /} for {@code /a} and {@code /b}.
	 * @param path a normalised folder path
	 * @param other another one
	 * @return their deepest common ancestor, or the path itself when it holds the other
	 */
	static String commonAncestor(String path, String other) {
		String ancestor = path;
		while (!holds(ancestor, other)) {
			int slash = ancestor.lastIndexOf('/');
			ancestor = (slash > 0) ? ancestor.substring(0, slash) : "/";
		}
		return ancestor;
	}

	// whether a folder is the other one or one of its ancestors, by path segments
	private static boolean holds(String folder, String other) {
		return folder.equals("/") || other.equals(folder) || other.startsWith(folder + "/");
	}

	// a prefix matches the folder and all below it, a glob needs both
	private static List<Condition> folderAndBelow(String environment, String path) {
		String below = path.equals("/") ? "/**" : path + "/**";
		return List.of(new Condition(environment, path), new Condition(environment, below));
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
			return this.condition.environment().equals(other.environment())
					&& holds(this.condition.secretPath(), other.secretPath());
		}

		List<Condition> conditions() {
			return isRecursive() ? folderAndBelow(this.condition.environment(), this.condition.secretPath())
					: List.of(this.condition);
		}

	}

}
