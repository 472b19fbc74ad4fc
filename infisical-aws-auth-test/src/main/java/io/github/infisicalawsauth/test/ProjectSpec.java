package io.github.infisicalawsauth.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A project (workspace) in the secrets store of an {@link InfisicalTestServer}.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class ProjectSpec {

	private final SecretStore store;

	private final String id;

	private final Map<String, EnvironmentSpec> environments = new LinkedHashMap<>();

	ProjectSpec(SecretStore store, String id) {
		this.store = store;
		this.id = id;
	}

	/**
	 * Return an environment of this project, creating it (with its root folder {@code /})
	 * if needed.
	 * @param slug the environment slug, for example {@code dev}
	 * @return the environment
	 */
	public EnvironmentSpec environment(String slug) {
		if (slug == null || slug.isBlank()) {
			throw new IllegalArgumentException("'slug' must not be empty");
		}
		synchronized (this.store) {
			return this.environments.computeIfAbsent(slug, (key) -> {
				this.store.changed();
				return new EnvironmentSpec(this, key);
			});
		}
	}

	/**
	 * Return the project id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	SecretStore store() {
		return this.store;
	}

	/**
	 * Return the environments. Call with the store's monitor held.
	 * @return the environments, in the order they were created
	 */
	List<EnvironmentSpec> environments() {
		return new ArrayList<>(this.environments.values());
	}

	@Nullable EnvironmentSpec find(String slug) {
		return this.environments.get(slug);
	}

	@Override
	public String toString() {
		return "ProjectSpec[" + this.id + "]";
	}

}
