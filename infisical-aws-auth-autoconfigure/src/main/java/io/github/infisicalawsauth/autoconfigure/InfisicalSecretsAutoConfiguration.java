package io.github.infisicalawsauth.autoconfigure;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@link InfisicalSecretsClient}, with the application's
 * {@link InfisicalTokenProvider}.
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
			InfisicalTokenProvider tokenProvider, ObjectProvider<ObservationRegistry> observationRegistry) {
		InfisicalSecretsClient secretsClient = new InfisicalClientFactory(properties).secretsClient(client,
				tokenProvider);
		secretsClient.setObservationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		return secretsClient;
	}

}
