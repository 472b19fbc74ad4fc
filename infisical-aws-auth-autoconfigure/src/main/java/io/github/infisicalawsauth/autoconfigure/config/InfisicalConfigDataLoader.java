package io.github.infisicalawsauth.autoconfigure.config;

import java.util.List;

import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;

/**
 * Adds the property source of an {@code infisical:} import where Spring Boot places
 * imported configuration, empty: it is filled once the configuration is complete (see
 * {@link InfisicalConfigDataEnvironmentPostProcessor}), so that the secrets read are
 * those that the final configuration names, whichever file or profile sets it. Imported
 * secrets never import further locations or activate profiles.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConfigDataLoader implements ConfigDataLoader<InfisicalConfigDataResource> {

	@Override
	public ConfigData load(ConfigDataLoaderContext context, InfisicalConfigDataResource resource) {
		return new ConfigData(List.of(new InfisicalPropertySource(resource)), ConfigData.Option.IGNORE_IMPORTS,
				ConfigData.Option.IGNORE_PROFILES);
	}

}
