package io.github.infisicalawsauth.autoconfigure.config;

import java.util.List;

import org.apache.commons.logging.Log;

import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Adds the property source of an {@code infisical:} import where Spring Boot places
 * imported configuration, empty: it is filled once the configuration is complete (see
 * {@link InfisicalConfigDataEnvironmentPostProcessor}), so that the secrets read are
 * those that the final configuration names, whichever file or profile sets it. Imported
 * secrets never import further locations or activate profiles.
 * <p>
 * Where config data is processed without the other environment post-processors (Spring
 * Boot's {@code ConfigDataApplicationContextInitializer} in tests, for example), the
 * sources are filled when the bootstrap context closes.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConfigDataLoader implements ConfigDataLoader<InfisicalConfigDataResource> {

	private final Log logger;

	/**
	 * Create a loader.
	 * @param logFactory the factory of deferred logs
	 */
	public InfisicalConfigDataLoader(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(InfisicalConfigDataLoader.class);
	}

	@Override
	public ConfigData load(ConfigDataLoaderContext context, InfisicalConfigDataResource resource) {
		ConfigurableBootstrapContext bootstrap = context.getBootstrapContext();
		if (!bootstrap.isRegistered(PendingCheck.class)) {
			bootstrap.register(PendingCheck.class, InstanceSupplier.of(new PendingCheck()));
			// without the post-processors, the sources are still empty when the
			// bootstrap context closes: fill them then, and hand the clients over
			bootstrap.addCloseListener((event) -> {
				ConfigurableApplicationContext applicationContext = event.getApplicationContext();
				InfisicalConfigDataClients clients = new InfisicalConfigDataEnvironmentPostProcessor(this.logger,
						bootstrap)
					.importPending(applicationContext.getEnvironment());
				if (clients != null) {
					// created just now, after the close listeners were chosen
					clients.promote(applicationContext);
				}
			});
		}
		return new ConfigData(List.of(new InfisicalPropertySource(resource)), ConfigData.Option.IGNORE_IMPORTS,
				ConfigData.Option.IGNORE_PROFILES);
	}

	/**
	 * Marks a bootstrap context whose close is watched for sources left empty.
	 */
	private static final class PendingCheck {

	}

}
