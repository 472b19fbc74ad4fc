package io.github.infisicalawsauth.autoconfigure.config;

import java.util.ArrayList;
import java.util.List;

import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Reads the secrets of every {@code infisical:} import right after Spring Boot has
 * processed config data, with the final configuration: {@code application.yml}, every
 * {@code application-{profile}.yml} and profile document, the environment and the command
 * line. Spring Boot resolves an import before it loads the profile-specific files
 * (spring-boot#43533), so reading earlier could load another environment's secrets. Runs
 * again on a spring-cloud-context refresh, with the bootstrap context it keeps.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConfigDataEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Order: right after {@link ConfigDataEnvironmentPostProcessor}, so that later
	 * post-processors see the secrets.
	 */
	public static final int ORDER = ConfigDataEnvironmentPostProcessor.ORDER + 1;

	private final Log logger;

	private final ConfigurableBootstrapContext bootstrap;

	/**
	 * Create a post-processor.
	 * @param logFactory the factory of deferred logs
	 * @param bootstrap the bootstrap context that holds the clients
	 */
	public InfisicalConfigDataEnvironmentPostProcessor(DeferredLogFactory logFactory,
			ConfigurableBootstrapContext bootstrap) {
		this.logger = logFactory.getLog(InfisicalConfigDataEnvironmentPostProcessor.class);
		this.bootstrap = bootstrap;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		MutablePropertySources propertySources = environment.getPropertySources();
		List<InfisicalPropertySource> pending = new ArrayList<>();
		MutablePropertySources configuration = new MutablePropertySources();
		for (PropertySource<?> source : propertySources) {
			if (source instanceof InfisicalPropertySource infisical) {
				if (infisical.isPending()) {
					pending.add(infisical);
				}
			}
			else {
				configuration.addLast(source);
			}
		}
		if (pending.isEmpty()) {
			return;
		}
		// the imports' settings come from the application's configuration, never from
		// secrets imported earlier
		Binder binder = new Binder(ConfigurationPropertySources.from(configuration),
				new PropertySourcesPlaceholdersResolver(configuration),
				ApplicationConversionService.getSharedInstance());
		InfisicalProperties properties = binder.bind(InfisicalProperties.PREFIX, Bindable.of(InfisicalProperties.class))
			.orElseGet(InfisicalProperties::new);
		new InfisicalSecretsImporter(this.logger).importSecrets(pending, properties, binder, this.bootstrap)
			.forEach((removed) -> propertySources.remove(removed.getName()));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
