package io.github.infisicalawsauth.autoconfigure.config;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.AbstractPropertyResolver;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The secrets of one {@code infisical:} import as Spring properties, named by their keys
 * as they are ({@code DB_PASSWORD}), optionally prefixed. It is a
 * {@link SystemEnvironmentPropertySource} so that {@code ${db.password}} and
 * {@code @ConfigurationProperties("db")} find {@code DB_PASSWORD} the way they find an
 * environment variable.
 * <p>
 * Secret values are data, not configuration: a {@code ${...}} inside a value is escaped
 * so that Spring's placeholder resolution hands it over verbatim, through
 * {@code Environment.getProperty}, {@code @Value}, {@code @ConfigurationProperties} and
 * other properties that refer to the secret. Keys that would set
 * {@code spring.profiles.*} or {@code spring.config.*} are left out: secrets are loaded
 * after profiles and imports are settled and must not look as if they changed them.
 * <p>
 * The source is added empty while Spring Boot processes config data and filled once the
 * configuration is complete; polling may later replace its values in place.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalPropertySource extends SystemEnvironmentPropertySource {

	private static final @Nullable Character ESCAPE = escapeCharacter();

	private final InfisicalConfigDataResource resource;

	private final SwappableMap values;

	private volatile State state = State.PENDING;

	private volatile @Nullable SecretsSnapshot snapshot;

	private volatile @Nullable SecretLocation skippedLocation;

	private volatile @Nullable InfisicalReadStatus readStatus;

	/**
	 * Create an empty property source for an import, to be filled when the configuration
	 * is complete.
	 * @param resource the import
	 */
	public InfisicalPropertySource(InfisicalConfigDataResource resource) {
		this(resource, new SwappableMap());
	}

	private InfisicalPropertySource(InfisicalConfigDataResource resource, SwappableMap values) {
		super(resource.getPropertySourceName(), values);
		this.resource = resource;
		this.values = values;
	}

	/**
	 * Return the import the secrets come from.
	 * @return the resource
	 */
	public InfisicalConfigDataResource getResource() {
		return this.resource;
	}

	/**
	 * Return the location the secrets were read from.
	 * @return the location, or {@code null} if nothing was read (yet)
	 */
	public @Nullable SecretLocation getLocation() {
		SecretsSnapshot snapshot = this.snapshot;
		return (snapshot != null) ? snapshot.getLocation() : null;
	}

	/**
	 * Return the secrets currently served.
	 * @return the snapshot, or {@code null} if nothing was read (yet)
	 */
	public @Nullable SecretsSnapshot getSnapshot() {
		return this.snapshot;
	}

	/**
	 * Return how the reads of this source's location went.
	 * @return the status, or {@code null} if nothing was read or tried
	 */
	public @Nullable InfisicalReadStatus getReadStatus() {
		return this.readStatus;
	}

	void setReadStatus(InfisicalReadStatus readStatus) {
		this.readStatus = readStatus;
	}

	/**
	 * Whether secrets were read into this source.
	 * @return {@code true} once loaded
	 */
	public boolean isLoaded() {
		return this.state == State.LOADED;
	}

	boolean isPending() {
		return this.state == State.PENDING;
	}

	/**
	 * Serve the given secrets.
	 * @param next the secrets
	 * @return the keys left out because they would set {@code spring.profiles.*} or
	 * {@code spring.config.*}
	 */
	List<String> load(SecretsSnapshot next) {
		Properties properties = Properties.of(this.resource.getPrefix(), next);
		this.values.current = properties.values();
		this.snapshot = next;
		this.state = State.LOADED;
		return properties.ignored();
	}

	/**
	 * Stay empty: Infisical is disabled, another import reads the same, or the import was
	 * optional and its location is missing or unreachable.
	 * @param location the location that could not be read, to try again later, or
	 * {@code null} if there is nothing to read
	 */
	void skip(@Nullable SecretLocation location) {
		this.skippedLocation = location;
		this.state = State.SKIPPED;
	}

	/**
	 * Return the location of an optional import that could not be read.
	 * @return the location, or {@code null}
	 */
	@Nullable SecretLocation getSkippedLocation() {
		return (this.state == State.SKIPPED) ? this.skippedLocation : null;
	}

	/**
	 * Keep the values but remember a newer answer that holds the same properties (only
	 * metadata or left-out keys changed), so that the next poll sends its ETag.
	 * @param next the newer answer
	 */
	void replaceSnapshot(SecretsSnapshot next) {
		this.snapshot = next;
	}

	/**
	 * Return the names of the properties that would change if the given secrets replaced
	 * the current ones: added, removed or with another value.
	 * @param next the new secrets
	 * @return the property names, never values
	 */
	Set<String> changedPropertyNames(SecretsSnapshot next) {
		Map<String, Object> current = this.values.current;
		Map<String, Object> proposed = Properties.of(this.resource.getPrefix(), next).values();
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
	Set<String> update(SecretsSnapshot next) {
		Set<String> changed = changedPropertyNames(next);
		load(next);
		return changed;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + " {name='" + getName() + "', keys=" + this.values.current.keySet() + "}";
	}

	/**
	 * Escape every {@code ${...}} that Spring's placeholder parser would resolve, so that
	 * it reads the value back as it is. A {@code ${} without its closing brace is left
	 * alone: the parser leaves it alone too.
	 */
	static String escapePlaceholders(String value) {
		if (ESCAPE == null || !value.contains("${")) {
			return value;
		}
		StringBuilder escaped = new StringBuilder(value.length() + 8);
		int position = 0;
		for (int start = value.indexOf("${"); start >= 0; start = value.indexOf("${", start + 2)) {
			if (hasClosingBrace(value, start)) {
				escaped.append(value, position, start).append(ESCAPE.charValue());
				position = start;
			}
		}
		return escaped.append(value, position, value.length()).toString();
	}

	private static @Nullable Character escapeCharacter() {
		try {
			return AbstractPropertyResolver.getDefaultEscapeCharacter();
		}
		catch (IllegalArgumentException ex) {
			// an invalid spring.placeholder.escapeCharacter.default: Spring falls
			// back too
			return '\\';
		}
	}

	// the same matching of nested braces as Spring's PlaceholderParser
	private static boolean hasClosingBrace(String value, int start) {
		int nested = 0;
		for (int index = start + 2; index < value.length(); index++) {
			char c = value.charAt(index);
			if (c == '}') {
				if (nested == 0) {
					return true;
				}
				nested--;
			}
			else if (c == '{') {
				nested++;
			}
		}
		return false;
	}

	private enum State {

		PENDING, LOADED, SKIPPED

	}

	/**
	 * Property names and values of a snapshot, and the keys left out.
	 */
	private record Properties(Map<String, Object> values, List<String> ignored) {

		@Override
		public String toString() {
			return "Properties[names=" + this.values.keySet() + ", ignored=" + this.ignored + "]";
		}

		static Properties of(String prefix, SecretsSnapshot snapshot) {
			Map<String, Object> values = new LinkedHashMap<>();
			List<String> ignored = new ArrayList<>();
			snapshot.getSecrets().forEach((key, value) -> {
				String name = prefix + key;
				if (isReserved(name)) {
					ignored.add(key);
				}
				else {
					values.put(name, escapePlaceholders(value));
				}
			});
			return new Properties(Collections.unmodifiableMap(values), List.copyOf(ignored));
		}

		// SPRING_PROFILES_ACTIVE, spring.config.import and their relaxed forms
		private static boolean isReserved(String name) {
			String relaxed = name.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
			return relaxed.equals("spring.profiles") || relaxed.startsWith("spring.profiles.")
					|| relaxed.equals("spring.config") || relaxed.startsWith("spring.config.");
		}

	}

	/**
	 * A read-only map view whose content is swapped whole.
	 */
	private static final class SwappableMap extends AbstractMap<String, Object> {

		volatile Map<String, Object> current = Map.of();

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
