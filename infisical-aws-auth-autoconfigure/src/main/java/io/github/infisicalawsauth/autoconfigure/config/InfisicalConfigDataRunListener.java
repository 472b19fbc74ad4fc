package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closes the clients that config data built when startup fails before they were promoted
 * into the application context (a later environment post-processor or the logging
 * configuration failing, for example): otherwise their background refresh would outlive
 * the failed start.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalConfigDataRunListener implements SpringApplicationRunListener {

	private @Nullable ConfigurableBootstrapContext bootstrap;

	InfisicalConfigDataRunListener(SpringApplication application, String[] args) {
	}

	@Override
	public void starting(ConfigurableBootstrapContext bootstrapContext) {
		this.bootstrap = bootstrapContext;
	}

	@Override
	public void failed(@Nullable ConfigurableApplicationContext context, Throwable exception) {
		ConfigurableBootstrapContext bootstrap = this.bootstrap;
		if (bootstrap != null && bootstrap.isRegistered(InfisicalConfigDataClients.class)) {
			bootstrap.get(InfisicalConfigDataClients.class).closeIfUnpromoted();
		}
	}

	@Override
	public void ready(ConfigurableApplicationContext context, @Nullable Duration timeTaken) {
		// the context owns the clients now
		this.bootstrap = null;
	}

}
