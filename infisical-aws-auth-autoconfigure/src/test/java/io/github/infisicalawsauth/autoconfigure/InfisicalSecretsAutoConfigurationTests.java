package io.github.infisicalawsauth.autoconfigure;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalSecretsAutoConfiguration}. A user token provider keeps these
 * tests off the network: they check wiring only.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalSecretsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(InfisicalAutoConfiguration.class, InfisicalSecretsAutoConfiguration.class))
		.withUserConfiguration(UserTokenProviderConfiguration.class)
		.withPropertyValues("infisical.site-url=http://127.0.0.1:1");

	@Test
	void createsTheSecretsClient() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(InfisicalSecretsClient.class)
			.hasSingleBean(InfisicalHttpClient.class)
			.doesNotHaveBean(InfisicalSecretsPoller.class));
	}

	@Test
	void disabledCreatesNothing() {
		this.runner.withPropertyValues("infisical.enabled=false", "infisical.secrets.refresh-interval=1m")
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalSecretsClient.class)
				.doesNotHaveBean(InfisicalSecretsPoller.class));
	}

	@Test
	void userSecretsClientWins() {
		this.runner.withUserConfiguration(UserSecretsClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(InfisicalSecretsClient.class);
			assertThat(context.getBean(InfisicalSecretsClient.class))
				.isSameAs(context.getBean(UserSecretsClientConfiguration.class).client);
		});
	}

	@Test
	void pollsWithRefreshEventsWhenRefreshIntervalIsSet() {
		this.runner.withPropertyValues("infisical.secrets.refresh-interval=30s").run((context) -> {
			assertThat(context).hasSingleBean(InfisicalSecretsPoller.class)
				.hasSingleBean(InfisicalSecretsPoller.ChangeHandler.class);
			assertThat(context.getBean(InfisicalSecretsPoller.ChangeHandler.class))
				.isNotSameAs(InfisicalSecretsPoller.ChangeHandler.IN_PLACE);
		});
	}

	@Test
	void invalidRefreshIntervalNamesTheProperty() {
		this.runner.withPropertyValues("infisical.secrets.refresh-interval=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.secrets.refresh-interval"));
	}

	@Test
	void updatesInPlaceWithoutSpringCloudContext() {
		this.runner.withPropertyValues("infisical.secrets.refresh-interval=30s")
			.withClassLoader(new FilteredClassLoader(RefreshEvent.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(InfisicalSecretsPoller.class);
				assertThat(context.getBean(InfisicalSecretsPoller.ChangeHandler.class))
					.isSameAs(InfisicalSecretsPoller.ChangeHandler.IN_PLACE);
			});
	}

	@Test
	void updatesInPlaceWhenRefreshIsDisabled() {
		this.runner.withPropertyValues("infisical.secrets.refresh-interval=30s", "spring.cloud.refresh.enabled=false")
			.run((context) -> assertThat(context.getBean(InfisicalSecretsPoller.ChangeHandler.class))
				.isSameAs(InfisicalSecretsPoller.ChangeHandler.IN_PLACE));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTokenProviderConfiguration {

		@Bean
		InfisicalTokenProvider userTokenProvider() {
			return () -> InfisicalAccessToken.of("user-token", null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSecretsClientConfiguration {

		final InfisicalSecretsClient client = InfisicalSecretsClient
			.builder(new InfisicalHttpClient(InfisicalSiteUrl.of("http://127.0.0.1:1", false),
					new JdkClientHttpRequestFactory()), () -> InfisicalAccessToken.of("other", null))
			.build();

		@Bean
		InfisicalSecretsClient userSecretsClient() {
			return this.client;
		}

	}

}
