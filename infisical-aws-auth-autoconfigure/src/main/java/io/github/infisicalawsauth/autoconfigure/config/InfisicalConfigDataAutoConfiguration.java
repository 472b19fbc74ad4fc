package io.github.infisicalawsauth.autoconfigure.config;

import java.util.List;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalAutoConfiguration;
import io.github.infisicalawsauth.autoconfigure.InfisicalClientFactory;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.SecretsChangeListener;
import io.github.infisicalawsauth.token.TokenLifecycleListener;
import io.micrometer.observation.ObservationRegistry;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of what {@code spring.config.import=infisical:} built while the
 * configuration was loaded: its HTTP client and token provider become the application's
 * beans unless the application defines its own (so the application logs in once), and,
 * when {@code infisical.secrets.refresh-interval} is set, the imported secrets are polled
 * for changes. Config data's own token provider always serves loading and polling.
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
	InfisicalTokenProvider infisicalTokenProvider(InfisicalConfigDataClients clients) {
		return clients.getStartedTokenProvider();
	}

	// clients built while configuration loaded get the application's listeners and
	// observation registry once the beans exist
	@Bean
	InfisicalConfigDataClientsAttachment infisicalConfigDataClientsAttachment(InfisicalConfigDataClients clients,
			ObjectProvider<TokenLifecycleListener> listeners, ObjectProvider<ObservationRegistry> observationRegistry) {
		return new InfisicalConfigDataClientsAttachment(clients, listeners, observationRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	InfisicalCredentialsCheck infisicalCredentialsCheck(InfisicalConfigDataClients clients,
			ObjectProvider<AwsCredentialsProvider> credentialsProviders,
			ObjectProvider<InfisicalTokenProvider> tokenProviders) {
		return new InfisicalCredentialsCheck(clients, credentialsProviders, tokenProviders);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("infisical.secrets.refresh-interval")
	static class PollingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InfisicalSecretsPoller infisicalSecretsPoller(ConfigurableEnvironment environment,
				InfisicalProperties properties, InfisicalConfigDataClients clients,
				InfisicalSecretsPoller.ChangeHandler changeHandler, ObjectProvider<SecretsChangeListener> listeners) {
			return new InfisicalSecretsPoller(environment, clients,
					new InfisicalClientFactory(properties).secretsRefreshInterval(), changeHandler,
					listeners.orderedStream().toList());
		}

		@Bean
		@ConditionalOnMissingBean
		InfisicalSecretsPoller.ChangeHandler infisicalSecretsChangeHandler() {
			return InfisicalSecretsPoller.ChangeHandler.IN_PLACE;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(RefreshEvent.class)
		@ConditionalOnBooleanProperty(name = "spring.cloud.refresh.enabled", matchIfMissing = true)
		static class RefreshEventConfiguration {

			@Bean
			@ConditionalOnMissingBean
			InfisicalSecretsPoller.ChangeHandler infisicalSecretsRefreshEventPublisher(
					ApplicationEventPublisher publisher) {
				// config data loading runs again and replaces the property sources,
				// so EnvironmentChangeEvent names the changed keys
				return (changes) -> publisher
					.publishEvent(new RefreshEvent(this, null, "Infisical secrets changed: " + names(changes)));
			}

			private static List<String> names(List<InfisicalSecretsPoller.Change> changes) {
				return changes.stream().flatMap((change) -> change.names().stream()).toList();
			}

		}

	}

}
