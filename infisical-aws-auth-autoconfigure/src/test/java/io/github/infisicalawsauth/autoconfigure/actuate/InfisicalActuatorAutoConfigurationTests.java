package io.github.infisicalawsauth.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link InfisicalActuatorAutoConfiguration}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InfisicalActuatorAutoConfiguration.class))
		.withBean(InfisicalTokenProvider.class, () -> () -> InfisicalAccessToken.of("user-token", null));

	@Test
	void contributesHealthSanitizingAndMetrics() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=infisical")
			.run((context) -> assertThat(context).hasBean("infisicalHealthIndicator")
				.hasBean("infisicalSanitizingFunction")
				.hasBean("infisicalAwsCredentialsSanitizingFunction")
				.hasSingleBean(InfisicalTokenMetrics.class)
				.hasSingleBean(InfisicalEndpoint.class));
	}

	@Test
	void endpointOnlyWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(InfisicalEndpoint.class)
			.hasBean("infisicalHealthIndicator"));
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.infisical.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("infisicalHealthIndicator"));
	}

	@Test
	void backsOffWithoutActuatorOrMicrometer() {
		this.runner
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class, SanitizingFunction.class,
					MeterRegistry.class, org.springframework.boot.actuate.endpoint.annotation.Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=infisical")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("infisicalHealthIndicator")
				.doesNotHaveBean("infisicalSanitizingFunction")
				.doesNotHaveBean("infisicalAwsCredentialsSanitizingFunction")
				.doesNotHaveBean(InfisicalTokenMetrics.class)
				.doesNotHaveBean(InfisicalEndpoint.class));
	}

	@Test
	void disabledContributesNothing() {
		this.runner.withPropertyValues("infisical.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("infisicalHealthIndicator")
				.doesNotHaveBean("infisicalSanitizingFunction")
				.doesNotHaveBean("infisicalAwsCredentialsSanitizingFunction"));
	}

	@Test
	void masksAwsCredentialsWithoutAnInfisicalImportOrTokenProvider() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InfisicalActuatorAutoConfiguration.class))
			.run((context) -> assertThat(context).hasBean("infisicalAwsCredentialsSanitizingFunction")
				.doesNotHaveBean("infisicalHealthIndicator"));
	}

	@Test
	void userAwsCredentialsSanitizingFunctionWins() {
		SanitizingFunction own = (data) -> data;
		this.runner.withBean("infisicalAwsCredentialsSanitizingFunction", SanitizingFunction.class, () -> own)
			.run((context) -> assertThat(context.getBean("infisicalAwsCredentialsSanitizingFunction")).isSameAs(own));
	}

	@Test
	void healthOfAnApplicationDefinedProviderIsUnknownWithoutAskingItForAToken() {
		InfisicalTokenProvider provider = () -> {
			throw new AssertionError("must not log in");
		};
		Health health = new InfisicalHealthIndicator(provider, new StandardEnvironment(), Clock.systemUTC()).health();
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void healthIsDownOnlyWithoutAValidToken() {
		try (InfisicalTestServer server = InfisicalTestServer.start()) {
			InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
			server.stop();
			LifecycleAwareTokenProvider provider = InfisicalTestFixtures.provider(server, Duration.ofMinutes(1))
				.build();
			try {
				provider.start();
				await().atMost(Duration.ofSeconds(5)).until(() -> provider.getStatus().failuresInARow() > 0);
				HealthIndicator indicator = new InfisicalHealthIndicator(provider, new StandardEnvironment(),
						Clock.systemUTC());
				Health down = indicator.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails()).containsEntry("token", "no valid token held")
					.containsKey("refreshFailuresInARow");
				server.restart();
				await().atMost(Duration.ofSeconds(5)).until(() -> indicator.health().getStatus().equals(Status.UP));
				assertThat(indicator.health().getDetails()).containsKey("tokenExpiresInSeconds")
					.doesNotContainKey("refreshFailuresInARow");
				assertThat(indicator.health().toString()).doesNotContain(provider.getToken().value());
			}
			finally {
				provider.close();
			}
		}
	}

}
