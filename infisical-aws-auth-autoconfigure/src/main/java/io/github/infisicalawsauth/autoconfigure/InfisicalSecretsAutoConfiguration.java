package io.github.infisicalawsauth.autoconfigure;

import java.util.List;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;

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
 * Auto-configuration} of the {@link InfisicalSecretsClient} and, when
 * {@code infisical.secrets.refresh-interval} is set, of the polling of imported secrets.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = InfisicalAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InfisicalProperties.class)
public final class InfisicalSecretsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ InfisicalHttpClient.class, InfisicalTokenProvider.class })
	InfisicalSecretsClient infisicalSecretsClient(InfisicalProperties properties, InfisicalHttpClient client,
			InfisicalTokenProvider tokenProvider) {
		return new InfisicalClientFactory(properties).secretsClient(client, tokenProvider);
	}

	// no @ConditionalOnBean here: nested classes are parsed before the secrets client
	// bean above is registered, so it would never match
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("infisical.secrets.refresh-interval")
	static class PollingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InfisicalSecretsPoller infisicalSecretsPoller(ConfigurableEnvironment environment,
				InfisicalProperties properties, InfisicalSecretsClient client,
				InfisicalSecretsPoller.ChangeHandler changeHandler) {
			return new InfisicalSecretsPoller(environment, client,
					new InfisicalClientFactory(properties).secretsRefreshInterval(), changeHandler);
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
			InfisicalSecretsPoller.ChangeHandler infisicalSecretsRefreshEventPublisher(
					ApplicationEventPublisher publisher) {
				// config data loading runs again and replaces the property sources, so
				// EnvironmentChangeEvent names the changed keys
				return (changes) -> publisher
					.publishEvent(new RefreshEvent(this, null, "Infisical secrets changed: " + names(changes)));
			}

		}

	}

	private static String names(List<InfisicalSecretsPoller.Change> changes) {
		return changes.stream().flatMap((change) -> change.names().stream()).toList().toString();
	}

}
