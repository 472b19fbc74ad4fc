package io.github.infisicalawsauth.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.test.SecretStore.SecretEvent;

/**
 * A folder of an {@link EnvironmentSpec}: its secrets and its secret imports. Every
 * change to a secret bumps its version and so changes the {@code ETag} of the responses
 * that include it.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class FolderSpec {

	private final EnvironmentSpec environment;

	private final String path;

	private final String id = SecretStore.newId();

	private final Instant createdAt;

	private final Map<String, StoredSecret> secrets = new LinkedHashMap<>();

	private final List<SecretImport> imports = new ArrayList<>();

	FolderSpec(EnvironmentSpec environment, String path) {
		this.environment = environment;
		this.path = path;
		this.createdAt = store().now();
	}

	/**
	 * Add a secret, or change the value of an existing one.
	 * @param key the secret key
	 * @param value the secret value, may reference others as {@code ${KEY}} or
	 * {@code ${env.folder.path.KEY}}
	 * @return this folder
	 */
	public FolderSpec secret(String key, String value) {
		synchronized (store()) {
			StoredSecret existing = this.secrets.get(checkKey(key));
			return secret(key, value, (existing != null) ? existing.comment : "");
		}
	}

	/**
	 * Add a secret, or change the value and comment of an existing one.
	 * @param key the secret key
	 * @param value the secret value
	 * @param comment the secret comment
	 * @return this folder
	 */
	public FolderSpec secret(String key, String value, String comment) {
		if (value == null || comment == null) {
			throw new IllegalArgumentException("'value' and 'comment' must not be null");
		}
		synchronized (store()) {
			Instant now = store().now();
			StoredSecret existing = this.secrets.get(checkKey(key));
			if (existing == null) {
				this.secrets.put(key, new StoredSecret(key, value, comment, now));
			}
			else {
				existing.value = value;
				existing.comment = comment;
				existing.version++;
				existing.updatedAt = now;
			}
			store().secretChanged(this, (existing != null) ? SecretEvent.UPDATE : SecretEvent.CREATE, key);
			return this;
		}
	}

	/**
	 * Set the tags of a secret, used by the {@code tagSlugs} filter.
	 * @param key the secret key
	 * @param tagSlugs the tag slugs
	 * @return this folder
	 */
	public FolderSpec tags(String key, String... tagSlugs) {
		synchronized (store()) {
			StoredSecret existing = this.secrets.get(checkKey(key));
			if (existing == null) {
				throw new IllegalArgumentException("No secret '" + key + "' in " + this.path);
			}
			existing.tags = List.of(tagSlugs);
			existing.version++;
			existing.updatedAt = store().now();
			store().secretChanged(this, SecretEvent.UPDATE, key);
			return this;
		}
	}

	/**
	 * Remove a secret.
	 * @param key the secret key
	 * @return this folder
	 */
	public FolderSpec removeSecret(String key) {
		synchronized (store()) {
			if (this.secrets.remove(checkKey(key)) != null) {
				store().secretChanged(this, SecretEvent.DELETE, key);
			}
			return this;
		}
	}

	/**
	 * Import the secrets of another folder of the same project. The server lists imports
	 * separately, in the order they were added, and does not merge them.
	 * @param environmentSlug the environment of the imported folder
	 * @param path the path of the imported folder
	 * @return this folder
	 */
	public FolderSpec importFrom(String environmentSlug, String path) {
		if (environmentSlug == null || environmentSlug.isBlank() || path == null) {
			throw new IllegalArgumentException("'environmentSlug' and 'path' must not be empty");
		}
		synchronized (store()) {
			this.imports.add(new SecretImport(environmentSlug, SecretStore.normalizePath(path)));
			store().secretChanged(this, SecretEvent.IMPORT_MUTATION, null);
			return this;
		}
	}

	/**
	 * Return the folder path.
	 * @return the path
	 */
	public String path() {
		return this.path;
	}

	String id() {
		return this.id;
	}

	/**
	 * Return the folder name, the last segment of its path; the server names the root
	 * folder {@code root}.
	 * @return the name
	 */
	String name() {
		return "/".equals(this.path) ? "root" : this.path.substring(this.path.lastIndexOf('/') + 1);
	}

	Instant createdAt() {
		return this.createdAt;
	}

	EnvironmentSpec environment() {
		return this.environment;
	}

	Map<String, StoredSecret> secrets() {
		return this.secrets;
	}

	List<SecretImport> imports() {
		return this.imports;
	}

	private SecretStore store() {
		return this.environment.project().store();
	}

	private static String checkKey(String key) {
		if (key == null || key.isEmpty()) {
			throw new IllegalArgumentException("'key' must not be empty");
		}
		return key;
	}

	@Override
	public String toString() {
		return "FolderSpec[" + this.environment.slug() + ":" + this.path + "]";
	}

	/**
	 * An import of another folder.
	 */
	record SecretImport(String environmentSlug, String path) {
	}

	/**
	 * A secret. Guarded by the store's monitor.
	 */
	static final class StoredSecret {

		final String id = SecretStore.newId();

		final String key;

		final Instant createdAt;

		String value;

		String comment;

		int version = 1;

		Instant updatedAt;

		List<String> tags = List.of();

		StoredSecret(String key, String value, String comment, Instant createdAt) {
			this.key = key;
			this.value = value;
			this.comment = comment;
			this.createdAt = createdAt;
			this.updatedAt = createdAt;
		}

		String value() {
			return this.value;
		}

		@Override
		public String toString() {
			return "StoredSecret[" + this.key + ", version " + this.version + "]";
		}

	}

}
