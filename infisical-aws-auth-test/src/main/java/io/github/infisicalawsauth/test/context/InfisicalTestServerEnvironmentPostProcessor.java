package io.github.infisicalawsauth.test.context;

import io.github.infisicalawsauth.test.context.InfisicalTestServers.Registration;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Points an application that a {@link InfisicalTestServerTest} class starts at its
 * server, right before Spring Boot processes config data: Spring's
 * {@code @DynamicPropertySource} and context customizers act only once the environment is
 * prepared, too late for {@code spring.config.import=infisical:}. Spring Boot's test
 * context loader makes the test class the application's main class, which is how the
 * class's server is found. Does nothing for any other application.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalTestServerEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final int ORDER = ConfigDataEnvironmentPostProcessor.ORDER - 1;

	private final ConfigurableBootstrapContext bootstrap;

	InfisicalTestServerEnvironmentPostProcessor(ConfigurableBootstrapContext bootstrap) {
		this.bootstrap = bootstrap;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Registration registration = InfisicalTestServers.find(application.getMainApplicationClass());
		if (registration == null) {
			return;
		}
		TestServerPropertySource.addTo(environment, registration.settings());
		if (TestServerCredentials.isAwsSdkPresent()) {
			TestServerCredentials.register(this.bootstrap, registration.settings());
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
