package io.github.infisicalawsauth.autoconfigure.config;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalAutoConfiguration;
import io.github.infisicalawsauth.autoconfigure.InfisicalClientFactory;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.autoconfigure.InfisicalTokenProviderStart;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.SecretsChangeListener;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenLifecycleListener;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of what {@code spring.config.import=infisical:} built while the
 * configuration was loaded: its HTTP client and token provider become the application's
 * beans unless the application defines its own (so the application logs in once), and the
 * imported secrets are read again when {@code infisical.secrets.refresh-interval} says or
 * a push channel reports a change ({@link SecretsChangeNotices}). Config data's own token
 * provider always serves loading and reading again.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@AutoConfiguration(before = InfisicalAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
@ConditionalOnBean(InfisicalConfigDataClients.class)
@EnableConfigurationProperties(InfisicalProperties.class)
public final class InfisicalConfigDataAutoConfiguration {

	// the clients are owned, and closed, by the context they were promoted into
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	InfisicalHttpClient infisicalHttpClient(InfisicalConfigDataClients clients) {
		return clients.getHttpClient();
	}

	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean(InfisicalTokenProvider.class)
	LifecycleAwareTokenProvider infisicalTokenProvider(InfisicalConfigDataClients clients) {
		return clients.getTokenProvider();
	}

	// config data's provider gets the application's listeners and registry, whether or
	// not it is also the application's bean
	@Bean
	@ConditionalOnMissingBean
	InfisicalTokenProviderStart infisicalTokenProviderStart(InfisicalConfigDataClients clients,
			InfisicalProperties properties, ObjectProvider<TokenLifecycleListener> listeners,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<InfisicalTokenProvider> tokenProviders) {
		return new InfisicalTokenProviderStart(clients.getTokenProvider(), properties, listeners, observationRegistry,
				tokenProviders);
	}

	// polls with infisical.secrets.refresh-interval, and reads what push channels report
	@Bean
	@ConditionalOnMissingBean
	InfisicalSecretsPoller infisicalSecretsPoller(ConfigurableEnvironment environment, InfisicalProperties properties,
			InfisicalConfigDataClients clients, InfisicalSecretsPoller.ChangeHandler changeHandler,
			ObjectProvider<SecretsChangeListener> listeners) {
		return new InfisicalSecretsPoller(environment, clients,
				new InfisicalClientFactory(properties).secretsRefreshInterval(), changeHandler,
				listeners.orderedStream().toList());
	}

	// without spring-cloud-context; the nested configuration is processed first
	@Bean
	@ConditionalOnMissingBean
	InfisicalSecretsPoller.ChangeHandler infisicalSecretsChangeHandler() {
		return InfisicalSecretsPoller.ChangeHandler.IN_PLACE;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ContextRefresher.class)
	static class ContextRefresherConfiguration {

		// a refresh runs config data again and replaces the property sources, so
		// EnvironmentChangeEvent names the changed keys and @RefreshScope beans are
		// rebuilt; without a refresher (refresh disabled or its auto-configuration
		// excluded) the sources are updated in place
		@Bean
		@ConditionalOnMissingBean
		InfisicalSecretsPoller.ChangeHandler infisicalSecretsChangeHandler(
				ObjectProvider<ContextRefresher> contextRefresher) {
			return (changes) -> {
				ContextRefresher refresher = contextRefresher.getIfAvailable();
				if (refresher != null) {
					refresher.refresh();
				}
				else {
					InfisicalSecretsPoller.ChangeHandler.IN_PLACE.apply(changes);
				}
			};
		}

	}

}
