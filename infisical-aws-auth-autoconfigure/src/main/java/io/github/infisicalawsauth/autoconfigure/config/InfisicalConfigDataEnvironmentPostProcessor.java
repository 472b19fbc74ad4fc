package io.github.infisicalawsauth.autoconfigure.config;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

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
		new InfisicalSecretsImporter(this.logger).importPending(environment, this.bootstrap);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
