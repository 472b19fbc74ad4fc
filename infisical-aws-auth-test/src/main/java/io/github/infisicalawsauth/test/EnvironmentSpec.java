package io.github.infisicalawsauth.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * An environment of a {@link ProjectSpec}.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class EnvironmentSpec {

	private final ProjectSpec project;

	private final String slug;

	private final String id = SecretStore.newId();

	/**
	 * Folders by path, so that parents come before their children. Guarded by the store's
	 * monitor.
	 */
	private final Map<String, FolderSpec> folders = new TreeMap<>();

	EnvironmentSpec(ProjectSpec project, String slug) {
		this.project = project;
		this.slug = slug;
		this.folders.put("/", new FolderSpec(this, "/"));
	}

	/**
	 * Return a folder of this environment, creating it and its parents if needed.
	 * @param path the folder path, for example {@code /app/backend}
	 * @return the folder
	 */
	public FolderSpec folder(String path) {
		if (path == null) {
			throw new IllegalArgumentException("'path' must not be null");
		}
		String normalized = SecretStore.normalizePath(path);
		synchronized (this.project.store()) {
			FolderSpec folder = this.folders.get("/");
			StringBuilder current = new StringBuilder();
			for (String segment : normalized.substring(1).split("/")) {
				if (segment.isEmpty()) {
					continue;
				}
				current.append('/').append(segment);
				folder = this.folders.computeIfAbsent(current.toString(), (key) -> {
					this.project.store().changed();
					return new FolderSpec(this, key);
				});
			}
			return folder;
		}
	}

	/**
	 * Add or update a secret in the root folder {@code /}.
	 * @param key the secret key
	 * @param value the secret value
	 * @return the root folder
	 */
	public FolderSpec secret(String key, String value) {
		return folder("/").secret(key, value);
	}

	/**
	 * Return the environment slug.
	 * @return the slug
	 */
	public String slug() {
		return this.slug;
	}

	String id() {
		return this.id;
	}

	ProjectSpec project() {
		return this.project;
	}

	@Nullable FolderSpec find(String path) {
		return this.folders.get(path);
	}

	List<FolderSpec> folders() {
		return new ArrayList<>(this.folders.values());
	}

	/**
	 * Return the direct child folders of a folder, by path. Call with the store's monitor
	 * held.
	 * @param folder the parent folder
	 * @return the children
	 */
	List<FolderSpec> children(FolderSpec folder) {
		List<FolderSpec> children = new ArrayList<>();
		for (FolderSpec candidate : this.folders.values()) {
			if (candidate != folder && parentPath(candidate.path()).equals(folder.path())) {
				children.add(candidate);
			}
		}
		return children;
	}

	/**
	 * Return the parent of a folder.
	 * @param folder the folder
	 * @return the parent, or {@code null} for the root folder
	 */
	@Nullable FolderSpec parent(FolderSpec folder) {
		return "/".equals(folder.path()) ? null : this.folders.get(parentPath(folder.path()));
	}

	private static String parentPath(String path) {
		int slash = path.lastIndexOf('/');
		return (slash <= 0) ? "/" : path.substring(0, slash);
	}

	@Override
	public String toString() {
		return "EnvironmentSpec[" + this.project.id() + "/" + this.slug + "]";
	}

}
