package io.github.infisicalawsauth.autoconfigure;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.event.InfisicalEventPublisher;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenLifecycleListener;
import io.micrometer.observation.ObservationRegistry;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the Infisical HTTP client and the {@link InfisicalTokenProvider}
 * that logs in with AWS IAM at startup.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InfisicalProperties.class)
public final class InfisicalAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InfisicalHttpClient infisicalHttpClient(InfisicalProperties properties, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<InfisicalHttpClientCustomizer> customizers) {
		return new InfisicalClientFactory(properties).httpClient(sslBundles.getIfAvailable(),
				customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	InfisicalEventPublisher infisicalEventPublisher(ApplicationEventPublisher publisher) {
		return new InfisicalEventPublisher(publisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(InfisicalTokenProvider.class)
	static class TokenProviderConfiguration {

		// logs in on its own scheduler while the context starts; the start bean waits
		@Bean(destroyMethod = "close")
		LifecycleAwareTokenProvider infisicalTokenProvider(InfisicalProperties properties, InfisicalHttpClient client,
				ObjectProvider<AwsCredentialsProvider> credentialsProvider) {
			LifecycleAwareTokenProvider provider = new InfisicalClientFactory(properties).tokenProvider(client,
					credentialsProvider.getIfUnique(), null);
			provider.start();
			return provider;
		}

		@Bean
		@ConditionalOnMissingBean
		InfisicalTokenProviderStart infisicalTokenProviderStart(LifecycleAwareTokenProvider infisicalTokenProvider,
				InfisicalProperties properties, ObjectProvider<TokenLifecycleListener> listeners,
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<InfisicalTokenProvider> tokenProviders) {
			return new InfisicalTokenProviderStart(infisicalTokenProvider, properties, listeners, observationRegistry,
					tokenProviders);
		}

	}

}
