package io.github.infisicalawsauth.autoconfigure.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.secrets.SecretLocation;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationNotFoundException;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Resolves {@code spring.config.import} locations of the form
 * {@code infisical:[/path][?prefix=..&environment=..&project-id=..]} into
 * {@link InfisicalConfigDataResource}s, with the defaults of {@code infisical.secrets.*},
 * and registers the clients that load them in the bootstrap context.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConfigDataLocationResolver implements ConfigDataLocationResolver<InfisicalConfigDataResource> {

	/**
	 * Prefix of the locations this resolver handles.
	 */
	public static final String PREFIX = "infisical:";

	private static final Set<String> PARAMETERS = Set.of("prefix", "environment", "project-id", "recursive",
			"include-imports", "expand-references");

	private final Log logger;

	/**
	 * Create a resolver.
	 * @param logFactory the factory of deferred logs
	 */
	public InfisicalConfigDataLocationResolver(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(InfisicalConfigDataLocationResolver.class);
	}

	@Override
	public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
		return location.hasPrefix(PREFIX);
	}

	@Override
	public List<InfisicalConfigDataResource> resolve(ConfigDataLocationResolverContext context,
			ConfigDataLocation location)
			throws ConfigDataLocationNotFoundException, ConfigDataResourceNotFoundException {
		Binder binder = context.getBinder();
		InfisicalProperties properties = binder.bind(InfisicalProperties.PREFIX, Bindable.of(InfisicalProperties.class))
			.orElseGet(InfisicalProperties::new);
		if (!properties.isEnabled()) {
			this.logger.info("Ignoring spring.config.import '" + location + "': infisical.enabled is false");
			// an empty list would fail a required import: load nothing instead
			return List.of(InfisicalConfigDataResource.disabled(location.isOptional()));
		}
		InfisicalConfigDataResource resource = resource(location, properties.getSecrets());
		InfisicalConfigDataClients.register(context.getBootstrapContext(), properties, binder, this.logger);
		if (this.logger.isDebugEnabled()) {
			this.logger.debug("Resolved '" + location + "' to " + resource);
		}
		return List.of(resource);
	}

	static InfisicalConfigDataResource resource(ConfigDataLocation location, InfisicalProperties.Secrets defaults) {
		String value = location.getNonPrefixedValue(PREFIX).trim();
		int question = value.indexOf('?');
		String path = (question >= 0) ? value.substring(0, question) : value;
		Map<String, String> parameters = parameters(location, (question >= 0) ? value.substring(question + 1) : "");
		String projectId = parameters.getOrDefault("project-id", defaults.getProjectId());
		String environment = parameters.getOrDefault("environment", defaults.getEnvironment());
		if (projectId == null || projectId.isBlank()) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.project-id", projectId,
					"it is required to import '" + location + "': set it to the id of the Infisical project, "
							+ "or name the project in the import with '?project-id='");
		}
		if (environment == null || environment.isBlank()) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.environment", environment,
					"it is required to import '" + location + "': set it to the slug of the environment "
							+ "(for example dev or prod), or name it in the import with '?environment='");
		}
		String folder = path.isBlank() ? defaults.getPath() : path;
		SecretLocation secretLocation;
		try {
			secretLocation = SecretLocation.of(projectId, environment, folder)
				.withRecursive(flag(location, parameters, "recursive", defaults.isRecursive()))
				.withIncludeImports(flag(location, parameters, "include-imports", defaults.isIncludeImports()))
				.withExpandReferences(flag(location, parameters, "expand-references", defaults.isExpandReferences()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("spring.config.import", location.toString(),
					ex.getMessage());
		}
		return new InfisicalConfigDataResource(secretLocation, parameters.getOrDefault("prefix", ""),
				location.isOptional());
	}

	private static Map<String, String> parameters(ConfigDataLocation location, String query) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : query.split("&")) {
			if (pair.isBlank()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = URLDecoder.decode((equals >= 0) ? pair.substring(0, equals) : pair, StandardCharsets.UTF_8)
				.trim();
			String value = (equals >= 0) ? URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8) : "";
			if (!PARAMETERS.contains(name)) {
				throw new InvalidConfigurationPropertyValueException("spring.config.import", location.toString(),
						"unknown parameter '" + name + "'; an infisical: import accepts " + PARAMETERS);
			}
			parameters.put(name, value.trim());
		}
		return parameters;
	}

	private static boolean flag(ConfigDataLocation location, Map<String, String> parameters, String name,
			boolean defaultValue) {
		@Nullable String value = parameters.get(name);
		if (value == null) {
			return defaultValue;
		}
		if (!value.equals("true") && !value.equals("false")) {
			throw new InvalidConfigurationPropertyValueException("spring.config.import", location.toString(),
					"parameter '" + name + "' must be true or false");
		}
		return Boolean.parseBoolean(value);
	}

}
