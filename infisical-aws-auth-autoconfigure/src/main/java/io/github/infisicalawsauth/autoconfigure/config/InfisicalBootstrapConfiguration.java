package io.github.infisicalawsauth.autoconfigure.config;

import java.util.List;

import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.bootstrap.config.PropertySourceLocator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Legacy bootstrap configuration, active only when Spring Cloud's bootstrap context is
 * enabled ({@code spring-cloud-starter-bootstrap} or
 * {@code spring.cloud.bootstrap.enabled=true}) and {@code infisical.secrets.project-id}
 * is set.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(PropertySourceLocator.class)
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
@ConditionalOnProperty("infisical.secrets.project-id")
public class InfisicalBootstrapConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Locator infisicalPropertySourceLocator() {
		return new Locator();
	}

	/**
	 * Provides the secrets of {@code infisical.secrets.*} as the same
	 * {@link InfisicalPropertySource} that {@code spring.config.import=infisical:} gives,
	 * read by the same import. The clients are promoted into the bootstrap context, the
	 * parent of the application context, so the application still logs in once. AWS
	 * credentials come from an {@link AwsCredentialsProvider} bean of the bootstrap
	 * context, else the AWS default chain. Spring Cloud never closes the bootstrap
	 * context, so the clients are closed with the application context instead.
	 */
	static class Locator
			implements PropertySourceLocator, ApplicationContextAware, ApplicationListener<ContextClosedEvent> {

		private static final Log logger = LogFactory.getLog(InfisicalBootstrapConfiguration.class);

		private @Nullable ConfigurableApplicationContext context;

		@Override
		public void setApplicationContext(ApplicationContext applicationContext) {
			this.context = (applicationContext instanceof ConfigurableApplicationContext configurable) ? configurable
					: null;
		}

		@Override
		public void onApplicationEvent(ContextClosedEvent event) {
			// the application context's events reach its parent, the bootstrap context
			ConfigurableApplicationContext bootstrapContext = this.context;
			if (bootstrapContext != null && event.getApplicationContext().getParent() == bootstrapContext) {
				bootstrapContext.getBeanProvider(InfisicalConfigDataClients.class)
					.ifAvailable(InfisicalConfigDataClients::close);
			}
		}

		@Override
		public @Nullable PropertySource<?> locate(Environment environment) {
			if (!(environment instanceof ConfigurableEnvironment configurable)) {
				return null;
			}
			Binder binder = Binder.get(configurable);
			InfisicalProperties properties = binder
				.bind(InfisicalProperties.PREFIX, Bindable.of(InfisicalProperties.class))
				.orElseGet(InfisicalProperties::new);
			if (!properties.isEnabled()) {
				return null;
			}
			DefaultBootstrapContext bootstrap = new DefaultBootstrapContext();
			AwsCredentialsProvider credentials = (this.context != null)
					? this.context.getBeanProvider(AwsCredentialsProvider.class).getIfUnique() : null;
			if (credentials != null) {
				bootstrap.register(AwsCredentialsProvider.class, InstanceSupplier.of(credentials));
			}
			InfisicalPropertySource source = new InfisicalPropertySource(
					new InfisicalConfigDataResource(ConfigDataLocation.of(InfisicalConfigDataResource.PREFIX)));
			try {
				new InfisicalConfigDataEnvironmentPostProcessor(logger, bootstrap).importSecrets(List.of(source),
						properties, binder);
			}
			finally {
				if (this.context != null) {
					bootstrap.close(this.context);
				}
			}
			return source;
		}

	}

}
