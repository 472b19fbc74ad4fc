package io.github.infisicalawsauth.test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The projects, environments, folders and secrets of a test server. Every read and write
 * holds the store's monitor, so that a response and its {@code ETag} always describe one
 * consistent state. Every change bumps a {@link #version() version}, so that rendered
 * answers can be kept until something changes; changes of secrets and imports also go to
 * the {@link #addListener listeners} that send webhooks and stream events.
 *
 * @author Infisical AWS Auth contributors
 */
final class SecretStore {

	private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");

	private static final int MAX_REFERENCE_DEPTH = 5;

	private final Clock clock;

	private final Generation generation;

	private final Map<String, ProjectSpec> projects = new LinkedHashMap<>();

	private final List<Consumer<SecretChange>> listeners = new CopyOnWriteArrayList<>();

	private long version;

	SecretStore(Clock clock, Generation generation) {
		this.clock = clock;
		this.generation = generation;
	}

	/**
	 * Add a listener of secret changes. It is called with the store's monitor held, in
	 * the order of the changes, and must not block.
	 * @param listener the listener
	 */
	void addListener(Consumer<SecretChange> listener) {
		this.listeners.add(listener);
	}

	ProjectSpec project(String projectId) {
		synchronized (this) {
			return this.projects.computeIfAbsent(projectId, (id) -> {
				changed();
				return new ProjectSpec(this, id);
			});
		}
	}

	/**
	 * Record a change of anything an answer may show: a project, environment, folder,
	 * secret, import or permission.
	 */
	void changed() {
		synchronized (this) {
			this.version++;
		}
	}

	/**
	 * Record a change of a secret or of the imports of a folder: {@link #changed()}, then
	 * tell the listeners about it and, as an import mutation, about every folder that
	 * imports the changed one (directly or through other imports), as the server syncs
	 * importing folders too.
	 * @param folder the folder whose secret or import changed
	 * @param event what changed
	 * @param secretKey the secret key, {@code null} for an import change
	 */
	void secretChanged(FolderSpec folder, SecretEvent event, @Nullable String secretKey) {
		synchronized (this) {
			changed();
			if (this.listeners.isEmpty()) {
				return;
			}
			List<SecretChange> changes = new ArrayList<>();
			changes.add(new SecretChange(folder, event, secretKey));
			for (FolderSpec importer : importers(folder)) {
				changes.add(new SecretChange(importer, SecretEvent.IMPORT_MUTATION, null));
			}
			for (SecretChange change : changes) {
				for (Consumer<SecretChange> listener : this.listeners) {
					listener.accept(change);
				}
			}
		}
	}

	/**
	 * Return the folders of the same project that import a folder, directly or through
	 * other imports, each once.
	 */
	private Set<FolderSpec> importers(FolderSpec folder) {
		Set<FolderSpec> importers = new LinkedHashSet<>();
		Deque<FolderSpec> pending = new ArrayDeque<>(List.of(folder));
		ProjectSpec project = folder.environment().project();
		while (!pending.isEmpty()) {
			FolderSpec imported = pending.poll();
			for (EnvironmentSpec environment : project.environments()) {
				for (FolderSpec candidate : environment.folders()) {
					if (candidate != folder && !importers.contains(candidate) && imports(candidate, imported)) {
						importers.add(candidate);
						pending.add(candidate);
					}
				}
			}
		}
		return importers;
	}

	private static boolean imports(FolderSpec importer, FolderSpec imported) {
		for (FolderSpec.SecretImport secretImport : importer.imports()) {
			if (secretImport.environmentSlug().equals(imported.environment().slug())
					&& secretImport.path().equals(imported.path())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the version of the store's content. Call with the monitor held.
	 * @return the version, different after every change
	 */
	long version() {
		return this.version;
	}

	Instant now() {
		return this.clock.instant();
	}

	/**
	 * Return the generation of the server, whose shape webhook notices take.
	 * @return the generation
	 */
	Generation generation() {
		return this.generation;
	}

	/**
	 * Find an environment. Call with the monitor held.
	 * @param projectId the project id
	 * @param environmentSlug the environment slug
	 * @return the environment or {@code null}
	 */
	@Nullable EnvironmentSpec findEnvironment(String projectId, String environmentSlug) {
		ProjectSpec project = this.projects.get(projectId);
		return (project != null) ? project.find(environmentSlug) : null;
	}

	/**
	 * Find a folder. Call with the monitor held.
	 * @param projectId the project id
	 * @param environmentSlug the environment slug
	 * @param path the normalised folder path
	 * @return the folder or {@code null}
	 */
	@Nullable FolderSpec find(String projectId, String environmentSlug, String path) {
		ProjectSpec project = this.projects.get(projectId);
		EnvironmentSpec environment = (project != null) ? project.find(environmentSlug) : null;
		return (environment != null) ? environment.find(path) : null;
	}

	/**
	 * Expand {@code ${KEY}} and {@code ${env.path.parts.KEY}} references. Call with the
	 * monitor held.
	 * @param folder the folder the value belongs to
	 * @param value the raw value
	 * @return the expanded value
	 */
	String expand(FolderSpec folder, String value) {
		return expand(folder, value, 0);
	}

	private String expand(FolderSpec folder, String value, int depth) {
		if (depth >= MAX_REFERENCE_DEPTH) {
			return value;
		}
		Matcher matcher = REFERENCE.matcher(value);
		StringBuilder expanded = new StringBuilder();
		while (matcher.find()) {
			String reference = matcher.group(1).trim();
			FolderSpec target = folder;
			String key = reference;
			if (reference.contains(".")) {
				String[] parts = reference.split("\\.");
				key = parts[parts.length - 1];
				StringBuilder path = new StringBuilder();
				for (int i = 1; i < parts.length - 1; i++) {
					path.append('/').append(parts[i]);
				}
				target = find(folder.environment().project().id(), parts[0],
						(path.length() > 0) ? path.toString() : "/");
			}
			FolderSpec.StoredSecret secret = (target != null) ? target.secrets().get(key) : null;
			String replacement = (target != null && secret != null) ? expand(target, secret.value(), depth + 1) : "";
			matcher.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
		}
		matcher.appendTail(expanded);
		return expanded.toString();
	}

	/**
	 * Return a folder and, when recursive, its sub-folders, parents first. Call with the
	 * monitor held.
	 * @param folder the folder
	 * @param recursive whether to include sub-folders
	 * @return the folders
	 */
	List<FolderSpec> folders(FolderSpec folder, boolean recursive) {
		List<FolderSpec> folders = new ArrayList<>();
		folders.add(folder);
		if (recursive) {
			String prefix = "/".equals(folder.path()) ? "/" : folder.path() + "/";
			for (FolderSpec candidate : folder.environment().folders()) {
				if (candidate != folder && candidate.path().startsWith(prefix)) {
					folders.add(candidate);
				}
			}
		}
		return folders;
	}

	/**
	 * Normalise a folder path given by a test: leading {@code /}, no trailing {@code /}.
	 * @param path the path
	 * @return the normalised path
	 */
	static String normalizePath(String path) {
		String normalized = path.trim();
		if (!normalized.startsWith("/")) {
			normalized = "/" + normalized;
		}
		return removeTrailingSlash(normalized);
	}

	/**
	 * Remove trailing slashes the way the server does for a {@code secretPath} query.
	 * @param path the path
	 * @return the path without trailing slash, {@code /} for the root
	 */
	static String removeTrailingSlash(String path) {
		String trimmed = path;
		while (trimmed.length() > 1 && trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed.isEmpty() ? "/" : trimmed;
	}

	static String newId() {
		return UUID.randomUUID().toString();
	}

	/**
	 * What changed in a folder, as the server's events name it.
	 */
	enum SecretEvent {

		CREATE("secret:create"), UPDATE("secret:update"), DELETE("secret:delete"),
		IMPORT_MUTATION("secret:import-mutation");

		private final String type;

		SecretEvent(String type) {
			this.type = type;
		}

		/**
		 * Return the event type of the server.
		 * @return the type, for example {@code secret:update}
		 */
		String type() {
			return this.type;
		}

		static @Nullable SecretEvent ofType(String type) {
			for (SecretEvent event : values()) {
				if (event.type.equals(type)) {
					return event;
				}
			}
			return null;
		}

	}

	/**
	 * A change of a secret, or of what a folder imports, at one location.
	 *
	 * @param projectId the project id
	 * @param environment the environment slug
	 * @param secretPath the folder path
	 * @param event what changed
	 * @param secretKey the secret key, {@code null} for an import mutation
	 */
	record SecretChange(String projectId, String environment, String secretPath, SecretEvent event,
			@Nullable String secretKey) {

		SecretChange(FolderSpec folder, SecretEvent event, @Nullable String secretKey) {
			this(folder.environment().project().id(), folder.environment().slug(), folder.path(), event, secretKey);
		}

	}

}
