package io.github.infisicalawsauth.autoconfigure.config;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The secrets of one Infisical location as Spring properties, named by their keys as they
 * are ({@code DB_PASSWORD}), optionally prefixed. It is a
 * {@link SystemEnvironmentPropertySource} so that {@code ${db.password}} and
 * {@code @ConfigurationProperties("db")} find {@code DB_PASSWORD} the way they find an
 * environment variable. The values can be replaced in place when a poll finds changes.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalPropertySource extends SystemEnvironmentPropertySource {

	private final InfisicalConfigDataResource resource;

	private final SwappableMap values;

	private volatile SecretsSnapshot snapshot;

	/**
	 * Create a property source.
	 * @param resource the import the secrets come from
	 * @param snapshot the secrets
	 */
	public InfisicalPropertySource(InfisicalConfigDataResource resource, SecretsSnapshot snapshot) {
		this(resource, snapshot, new SwappableMap(toProperties(resource.getPrefix(), snapshot)));
	}

	private InfisicalPropertySource(InfisicalConfigDataResource resource, SecretsSnapshot snapshot,
			SwappableMap values) {
		super(resource.getPropertySourceName(), values);
		this.resource = resource;
		this.values = values;
		this.snapshot = snapshot;
	}

	/**
	 * Return the import the secrets come from.
	 * @return the resource
	 */
	public InfisicalConfigDataResource getResource() {
		return this.resource;
	}

	/**
	 * Return the location the secrets come from.
	 * @return the location
	 */
	public SecretLocation getLocation() {
		return this.resource.getLocation();
	}

	/**
	 * Return the secrets currently served.
	 * @return the snapshot
	 */
	public SecretsSnapshot getSnapshot() {
		return this.snapshot;
	}

	/**
	 * Return the names of the properties that would change if the given secrets replaced
	 * the current ones: added, removed or with another value.
	 * @param next the new secrets
	 * @return the property names, never values
	 */
	public Set<String> changedPropertyNames(SecretsSnapshot next) {
		Map<String, Object> current = this.values.current;
		Map<String, Object> proposed = toProperties(this.resource.getPrefix(), next);
		Set<String> changed = new LinkedHashSet<>();
		for (Map.Entry<String, Object> entry : proposed.entrySet()) {
			if (!Objects.equals(current.get(entry.getKey()), entry.getValue())) {
				changed.add(entry.getKey());
			}
		}
		for (String name : current.keySet()) {
			if (!proposed.containsKey(name)) {
				changed.add(name);
			}
		}
		return changed;
	}

	/**
	 * Replace the served secrets, atomically for readers.
	 * @param next the new secrets
	 * @return the names of the properties that changed
	 */
	public Set<String> update(SecretsSnapshot next) {
		Set<String> changed = changedPropertyNames(next);
		this.values.current = toProperties(this.resource.getPrefix(), next);
		this.snapshot = next;
		return changed;
	}

	private static Map<String, Object> toProperties(String prefix, SecretsSnapshot snapshot) {
		Map<String, Object> properties = new LinkedHashMap<>();
		snapshot.getSecrets().forEach((key, value) -> properties.put(prefix + key, value));
		return Collections.unmodifiableMap(properties);
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + " {name='" + getName() + "', keys=" + this.values.current.keySet() + "}";
	}

	/**
	 * A read-only map view whose content is swapped whole.
	 */
	private static final class SwappableMap extends AbstractMap<String, Object> {

		volatile Map<String, Object> current;

		SwappableMap(Map<String, Object> current) {
			this.current = current;
		}

		@Override
		public Set<Entry<String, Object>> entrySet() {
			return this.current.entrySet();
		}

		@Override
		public @Nullable Object get(@Nullable Object key) {
			return this.current.get(key);
		}

		@Override
		public boolean containsKey(@Nullable Object key) {
			return this.current.containsKey(key);
		}

		@Override
		public Set<String> keySet() {
			return this.current.keySet();
		}

		@Override
		public int size() {
			return this.current.size();
		}

		@Override
		public String toString() {
			return "{keys=" + this.current.keySet() + "}";
		}

	}

}
