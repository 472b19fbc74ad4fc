package io.github.infisicalawsauth.test;

import java.net.URI;
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

	/**
	 * Guarded by the store's monitor.
	 */
	private final List<Webhook> webhooks = new ArrayList<>();

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
	 * Register a webhook: after a secret changes (is created, updated or deleted, or what
	 * a folder imports changes) in a folder whose path matches the glob, the server waits
	 * its {@link InfisicalTestServer.Builder#webhookDelay(java.time.Duration) webhook
	 * delay} (changes at the same folder meanwhile coalesce), then POSTs one
	 * {@link WebhookNotice} per changed folder, on a background thread, with one attempt
	 * and a 15 second timeout.
	 * @param url the URL to POST to
	 * @param secretPath the glob of folder paths, for example {@code /} (the root folder
	 * only), {@code /app/**} ({@code /app} and every folder below it) or {@code /**}
	 * @param secretKey the secret key to sign the notices with, or {@code null} to send
	 * them without the {@value WebhookNotice#SIGNATURE_HEADER} header
	 * @return the webhook, which records its deliveries
	 */
	public Webhook addWebhook(URI url, String secretPath, @Nullable String secretKey) {
		if (url == null) {
			throw new IllegalArgumentException("'url' must not be null");
		}
		if (secretPath == null || secretPath.isBlank()) {
			throw new IllegalArgumentException("'secretPath' must not be empty");
		}
		if (secretKey != null && secretKey.isEmpty()) {
			throw new IllegalArgumentException("'secretKey' must not be empty");
		}
		Webhook webhook = new Webhook(this, url, SecretStore.normalizePath(secretPath), secretKey);
		synchronized (this.project.store()) {
			this.webhooks.add(webhook);
		}
		return webhook;
	}

	/**
	 * Return the webhooks of this environment.
	 * @return a snapshot, in the order they were added
	 */
	public List<Webhook> webhooks() {
		synchronized (this.project.store()) {
			return List.copyOf(this.webhooks);
		}
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
