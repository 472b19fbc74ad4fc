package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties.Secrets.Events.Enabled;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalEventStreamAutoConfiguration}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalEventStreamAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InfisicalEventStreamAutoConfiguration.class));

	@Test
	void withoutChangeNoticesTheAutoConfigurationBacksOff() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(InfisicalEventStreams.class));
	}

	@Test
	void withChangeNoticesStreamsRunWithTheContext() {
		this.runner.withUserConfiguration(NoticesConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(InfisicalEventStreams.class)
				.hasSingleBean(InfisicalEventStreamMetrics.class);
			assertThat(context.getBean(InfisicalEventStreams.class).isRunning()).isTrue();
		});
	}

	@ParameterizedTest
	@CsvSource({ "false", "FALSE", "False" })
	void falseTurnsThemOff(String value) {
		this.runner.withUserConfiguration(NoticesConfiguration.class)
			.withPropertyValues("infisical.secrets.events.enabled=" + value)
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalEventStreams.class));
	}

	@Test
	void disabledInfisicalTurnsThemOff() {
		this.runner.withUserConfiguration(NoticesConfiguration.class)
			.withPropertyValues("infisical.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalEventStreams.class));
	}

	@ParameterizedTest
	@CsvSource({ "auto, AUTO", "AUTO, AUTO", "true, TRUE", "True, TRUE" })
	void enabledBindsCaseInsensitively(String value, Enabled expected) {
		this.runner.withUserConfiguration(NoticesConfiguration.class)
			.withPropertyValues("infisical.secrets.events.enabled=" + value)
			.run((context) -> {
				assertThat(context).hasSingleBean(InfisicalEventStreams.class);
				assertThat(context.getBean(InfisicalProperties.class).getSecrets().getEvents().getEnabled())
					.isEqualTo(expected);
			});
	}

	@Test
	void defaultsAreAutoAndAMinuteOfSilence() {
		InfisicalProperties.Secrets.Events events = new InfisicalProperties().getSecrets().getEvents();
		assertThat(events.getEnabled()).isEqualTo(Enabled.AUTO);
		assertThat(events.getIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void idleTimeoutMustBePositive() {
		this.runner.withUserConfiguration(NoticesConfiguration.class)
			.withPropertyValues("infisical.secrets.events.idle-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.secrets.events.idle-timeout"));
	}

	@Test
	void withoutMicrometerThereAreNoMetrics() {
		this.runner.withUserConfiguration(NoticesConfiguration.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(InfisicalEventStreams.class)
				.doesNotHaveBean(InfisicalEventStreamMetrics.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class NoticesConfiguration {

		@Bean
		InfisicalHttpClient infisicalHttpClient() {
			return new InfisicalHttpClient(InfisicalSiteUrl.of("http://127.0.0.1:1", false),
					new JdkClientHttpRequestFactory());
		}

		@Bean
		InfisicalTokenProvider infisicalTokenProvider() {
			return () -> InfisicalAccessToken.of("test-token", null);
		}

		// imports nothing: no stream is opened
		@Bean
		SecretsChangeNotices secretsChangeNotices() {
			return new SecretsChangeNotices() {

				@Override
				public Set<SecretLocation> importedLocations() {
					return Set.of();
				}

				@Override
				public boolean changed(String channel, String projectId, String environment, Duration delay) {
					return false;
				}

				@Override
				public void channel(String channel, Collection<SecretLocation> locations, boolean active) {
				}

				@Override
				public void resync(String channel, Collection<SecretLocation> locations) {
				}

			};
		}

	}

}
