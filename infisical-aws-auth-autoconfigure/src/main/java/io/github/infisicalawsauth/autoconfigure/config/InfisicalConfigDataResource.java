package io.github.infisicalawsauth.autoconfigure.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.secrets.SecretLocation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataResource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * One {@code infisical:[/path][?parameters]} import as written in
 * {@code spring.config.import}. Which project, environment and folder it reads is decided
 * only once the application's configuration is complete (see {@link #resolve}), because
 * Spring Boot resolves imports before it has loaded every profile-specific file. Its
 * {@link #toString()} holds no secret.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalConfigDataResource extends ConfigDataResource {

	/**
	 * Prefix of the locations this resource type stands for.
	 */
	public static final String PREFIX = "infisical:";

	private static final Set<String> PARAMETERS = Set.of("prefix", "environment", "project-id", "recursive",
			"include-imports", "expand-references");

	private final String path;

	private final Map<String, String> parameters;

	private final boolean optional;

	/**
	 * Parse an import location, checking its parameters.
	 * @param location the location, {@code [optional:]infisical:[/path][?name=value&...]}
	 * @throws InvalidConfigurationPropertyValueException naming
	 * {@code spring.config.import} if the location is malformed
	 */
	public InfisicalConfigDataResource(ConfigDataLocation location) {
		super(location.isOptional());
		this.optional = location.isOptional();
		String value = location.getNonPrefixedValue(PREFIX).trim();
		int question = value.indexOf('?');
		String path = ((question >= 0) ? value.substring(0, question) : value).trim();
		try {
			this.path = path.isEmpty() ? "" : SecretLocation.normalizePath(path);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("spring.config.import", location.toString(),
					ex.getMessage());
		}
		this.parameters = Collections
			.unmodifiableMap(parse(location, (question >= 0) ? value.substring(question + 1) : ""));
		for (String flag : new String[] { "recursive", "include-imports", "expand-references" }) {
			String flagValue = this.parameters.get(flag);
			if (flagValue != null && !flagValue.equals("true") && !flagValue.equals("false")) {
				throw new InvalidConfigurationPropertyValueException("spring.config.import", location.toString(),
						"parameter '" + flag + "' must be true or false");
			}
		}
	}

	private static Map<String, String> parse(ConfigDataLocation location, String query) {
		// sorted, so that the same parameters in another order are the same import
		Map<String, String> parameters = new TreeMap<>();
		for (String pair : query.split("&")) {
			if (pair.isBlank()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = decode(location, (equals >= 0) ? pair.substring(0, equals) : pair).trim();
			String value = (equals >= 0) ? decode(location, pair.substring(equals + 1)) : "";
			if (!PARAMETERS.contains(name)) {
				throw new InvalidConfigurationPropertyValueException("spring.config.import", location.toString(),
						"unknown parameter '" + name + "'; an infisical: import accepts " + new TreeSet<>(PARAMETERS));
			}
			parameters.put(name, value.trim());
		}
		return parameters;
	}

	private static String decode(ConfigDataLocation location, String encoded) {
		try {
			return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("spring.config.import", location.toString(),
					"'" + encoded + "' is not URL-encoded: " + ex.getMessage());
		}
	}

	/**
	 * Decide what this import reads, with the defaults of {@code infisical.secrets.*}.
	 * @param defaults the final {@code infisical.secrets} settings
	 * @return the location to read
	 * @throws InvalidConfigurationPropertyValueException naming the missing property
	 */
	public SecretLocation resolve(InfisicalProperties.Secrets defaults) {
		String projectId = this.parameters.getOrDefault("project-id", defaults.getProjectId());
		String environment = this.parameters.getOrDefault("environment", defaults.getEnvironment());
		if (projectId == null || projectId.isBlank()) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.project-id", projectId,
					"it is required to import '" + this + "': set it to the id of the Infisical project, "
							+ "or name the project in the import with '?project-id='");
		}
		if (environment == null || environment.isBlank()) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.environment", environment,
					"it is required to import '" + this + "': set it to the slug of the environment "
							+ "(for example dev or prod), or name it in the import with '?environment='");
		}
		String folder = this.path.isEmpty() ? defaults.getPath() : this.path;
		try {
			return SecretLocation.of(projectId, environment, folder)
				.withRecursive(flag("recursive", defaults.isRecursive()))
				.withIncludeImports(flag("include-imports", defaults.isIncludeImports()))
				.withExpandReferences(flag("expand-references", defaults.isExpandReferences()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.path", folder, ex.getMessage());
		}
	}

	private boolean flag(String name, boolean defaultValue) {
		String value = this.parameters.get(name);
		return (value != null) ? Boolean.parseBoolean(value) : defaultValue;
	}

	/**
	 * Whether the import was marked {@code optional:}.
	 * @return {@code true} if a missing or unreachable location is tolerated
	 */
	public boolean isOptional() {
		return this.optional;
	}

	/**
	 * Return the prefix of the property names.
	 * @return the prefix, empty for none
	 */
	public String getPrefix() {
		return this.parameters.getOrDefault("prefix", "");
	}

	/**
	 * Return the name of the property source of this import, unique per import and stable
	 * across refreshes. It ends with {@code -systemEnvironment} so that Spring's relaxed
	 * binding maps {@code DB_PASSWORD} to {@code db.password}, as for environment
	 * variables.
	 * @return the property source name
	 */
	public String getPropertySourceName() {
		return this + "-systemEnvironment";
	}

	private String describe() {
		StringBuilder description = new StringBuilder(PREFIX).append(this.path);
		Map<String, String> parameters = new LinkedHashMap<>(this.parameters);
		if (!parameters.isEmpty()) {
			description.append('?');
			parameters.forEach((name, value) -> description.append(name).append('=').append(value).append('&'));
			description.setLength(description.length() - 1);
		}
		return description.toString();
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof InfisicalConfigDataResource other)) {
			return false;
		}
		// a required import must not be taken for an optional one that reads the same
		return this.path.equals(other.path) && this.parameters.equals(other.parameters)
				&& this.optional == other.optional;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.path, this.parameters, this.optional);
	}

	@Override
	public String toString() {
		return (isOptional() ? "optional:" : "") + describe();
	}

}
