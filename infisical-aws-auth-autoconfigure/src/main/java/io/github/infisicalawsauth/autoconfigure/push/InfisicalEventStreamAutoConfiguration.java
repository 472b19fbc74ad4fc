package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Duration;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalAutoConfiguration;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalConfigDataAutoConfiguration;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.push.EventStreamSubscriptions;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of Infisical event subscriptions: with
 * {@code spring.config.import=infisical:}, event streams (most often one per project, at
 * most one per imported environment) tell the {@link SecretsChangeNotices} which imports
 * to read again, from when the application context starts until it closes.
 * {@code infisical.secrets.events.enabled=false} turns it off.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { InfisicalConfigDataAutoConfiguration.class, InfisicalAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
// any value but false: auto or true
@ConditionalOnProperty(name = "infisical.secrets.events.enabled", matchIfMissing = true)
@ConditionalOnBean({ SecretsChangeNotices.class, InfisicalHttpClient.class, InfisicalTokenProvider.class })
@EnableConfigurationProperties(InfisicalProperties.class)
public final class InfisicalEventStreamAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InfisicalEventStreams infisicalEventStreams(InfisicalProperties properties, InfisicalHttpClient client,
			InfisicalTokenProvider tokenProvider, SecretsChangeNotices notices,
			ObjectProvider<EventStreamSubscriptions.Listener> listeners) {
		InfisicalProperties.Secrets.Events events = properties.getSecrets().getEvents();
		Duration idleTimeout = events.getIdleTimeout();
		if (idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.events.idle-timeout", idleTimeout,
					"must be a positive duration");
		}
		return new InfisicalEventStreams(client, tokenProvider, notices, properties, listeners);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InfisicalEventStreamMetrics infisicalEventStreamMetrics(ObjectProvider<MeterRegistry> meterRegistry) {
			return new InfisicalEventStreamMetrics(meterRegistry);
		}

	}

}
