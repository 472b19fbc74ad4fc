package io.github.infisicalawsauth.autoconfigure.config;

import java.util.List;

import org.apache.commons.logging.Log;

import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Resolves {@code spring.config.import} locations of the form
 * {@code infisical:[/path][?prefix=..&environment=..&project-id=..]} into
 * {@link InfisicalConfigDataResource}s.
 * <p>
 * Nothing is resolved before profiles are known: an import given on the command line or
 * in the environment is seen before {@code application.yml} is loaded, and an import in
 * {@code application.yml} before {@code application-{profile}.yml} is
 * (spring-boot#43533). So the resource only records the import as written; which project,
 * environment and folder it reads is decided from the final configuration once config
 * data processing is complete (see {@link InfisicalConfigDataEnvironmentPostProcessor}).
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConfigDataLocationResolver implements ConfigDataLocationResolver<InfisicalConfigDataResource> {

	/**
	 * Prefix of the locations this resolver handles.
	 */
	public static final String PREFIX = InfisicalConfigDataResource.PREFIX;

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
			ConfigDataLocation location) {
		// the application's own files may not be loaded yet: see
		// resolveProfileSpecific
		return List.of();
	}

	@Override
	public List<InfisicalConfigDataResource> resolveProfileSpecific(ConfigDataLocationResolverContext context,
			ConfigDataLocation location, Profiles profiles) {
		InfisicalConfigDataResource resource = new InfisicalConfigDataResource(location);
		if (this.logger.isDebugEnabled()) {
			this.logger.debug("Resolved '" + location + "' to " + resource
					+ "; its settings are read once the configuration is complete");
		}
		return List.of(resource);
	}

}
