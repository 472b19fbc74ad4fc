package io.github.infisicalawsauth.autoconfigure;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
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
			.hasSingleBean(InfisicalHttpClient.class));
	}

	@Test
	void disabledCreatesNothing() {
		this.runner.withPropertyValues("infisical.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalSecretsClient.class));
	}

	@Test
	void userSecretsClientWins() {
		this.runner.withUserConfiguration(UserSecretsClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(InfisicalSecretsClient.class);
			assertThat(context.getBean(InfisicalSecretsClient.class))
				.isSameAs(context.getBean(UserSecretsClientConfiguration.class).client);
		});
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
