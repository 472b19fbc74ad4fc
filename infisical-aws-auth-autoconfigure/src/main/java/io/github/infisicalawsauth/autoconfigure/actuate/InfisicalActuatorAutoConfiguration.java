package io.github.infisicalawsauth.autoconfigure.actuate;

import java.time.Clock;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalAutoConfiguration;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalConfigDataAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the Infisical health indicator, the {@code infisical} endpoint,
 * the masking of imported secrets and of the AWS credentials the login signs with in the
 * {@code env} and {@code configprops} endpoints, and the token expiry gauge. Each part
 * backs off without the actuator module it needs.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = { InfisicalConfigDataAutoConfiguration.class, InfisicalAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
public final class InfisicalActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("infisical")
	@ConditionalOnBean(InfisicalTokenProvider.class)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "infisicalHealthIndicator")
		HealthIndicator infisicalHealthIndicator(InfisicalTokenProvider tokenProvider,
				ConfigurableEnvironment environment) {
			return new InfisicalHealthIndicator(tokenProvider, environment, Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(InfisicalEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InfisicalEndpoint infisicalEndpoint(ConfigurableEnvironment environment) {
			return new InfisicalEndpoint(environment, Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class SanitizingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "infisicalSanitizingFunction")
		SanitizingFunction infisicalSanitizingFunction(ConfigurableEnvironment environment) {
			return new InfisicalSanitizingFunction(environment);
		}

		// also without an infisical: import: the credentials are there all the same
		@Bean
		@ConditionalOnMissingBean(name = "infisicalAwsCredentialsSanitizingFunction")
		SanitizingFunction infisicalAwsCredentialsSanitizingFunction() {
			return new AwsCredentialsSanitizingFunction();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(InfisicalTokenProvider.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InfisicalTokenMetrics infisicalTokenMetrics(InfisicalTokenProvider tokenProvider) {
			return new InfisicalTokenMetrics(tokenProvider, Clock.systemUTC());
		}

	}

}
