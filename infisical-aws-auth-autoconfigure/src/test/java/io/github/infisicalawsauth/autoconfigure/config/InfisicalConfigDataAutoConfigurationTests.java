package io.github.infisicalawsauth.autoconfigure.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalAutoConfiguration;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.autoconfigure.InfisicalSecretsAutoConfiguration;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalConfigDataAutoConfiguration}.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalConfigDataAutoConfigurationTests {

	private static final String WARNING = "The application has an AwsCredentialsProvider bean";

	private final List<InfisicalConfigDataClients> created = new ArrayList<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InfisicalConfigDataAutoConfiguration.class,
				InfisicalAutoConfiguration.class, InfisicalSecretsAutoConfiguration.class))
		.withPropertyValues("infisical.site-url=http://127.0.0.1:1", "infisical.aws-auth.identity-id=id-1",
				"infisical.token.fail-fast=false");

	@AfterEach
	void closeClients() {
		this.created.forEach(InfisicalConfigDataClients::close);
	}

	@Test
	void withoutConfigDataTheAutoConfigurationBacksOff() {
		this.runner.withUserConfiguration(UserTokenProviderConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalConfigDataClients.class)
				.doesNotHaveBean(InfisicalSecretsPoller.class)
				.hasSingleBean(InfisicalTokenProvider.class));
	}

	@Test
	void configDataClientsBecomeTheApplicationsBeans() {
		InfisicalConfigDataClients clients = clients(null);
		this.runner.withInitializer((context) -> clients.promote(context)).run((context) -> {
			assertThat(context).hasSingleBean(InfisicalTokenProvider.class)
				.hasSingleBean(LifecycleAwareTokenProvider.class)
				.hasSingleBean(InfisicalHttpClient.class)
				.hasSingleBean(InfisicalSecretsClient.class);
			assertThat(context.getBean(InfisicalTokenProvider.class)).isSameAs(clients.getTokenProvider());
			assertThat(context.getBean(InfisicalHttpClient.class)).isSameAs(clients.getHttpClient());
		});
	}

	@Test
	void userTokenProviderWinsOverConfigData() {
		InfisicalConfigDataClients clients = clients(null);
		this.runner.withInitializer((context) -> clients.promote(context))
			.withUserConfiguration(UserTokenProviderConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(InfisicalTokenProvider.class);
				assertThat(context.getBean(InfisicalTokenProvider.class).getToken().value()).isEqualTo("user-token");
			});
	}

	@Test
	void pollsWithAContextRefreshWhenRefreshIntervalIsSet() {
		InfisicalConfigDataClients clients = clients(null);
		this.runner.withInitializer((context) -> clients.promote(context))
			.withPropertyValues("infisical.secrets.refresh-interval=30s")
			.run((context) -> {
				assertThat(context).hasSingleBean(InfisicalSecretsPoller.class)
					.hasSingleBean(InfisicalSecretsPoller.ChangeHandler.class);
				assertThat(context.getBean(InfisicalSecretsPoller.ChangeHandler.class))
					.isNotSameAs(InfisicalSecretsPoller.ChangeHandler.IN_PLACE);
			});
	}

	@Test
	void updatesInPlaceWithoutSpringCloudContext() {
		InfisicalConfigDataClients clients = clients(null);
		this.runner.withInitializer((context) -> clients.promote(context))
			.withPropertyValues("infisical.secrets.refresh-interval=30s")
			.withClassLoader(new FilteredClassLoader(ContextRefresher.class))
			.run((context) -> assertThat(context.getBean(InfisicalSecretsPoller.ChangeHandler.class))
				.isSameAs(InfisicalSecretsPoller.ChangeHandler.IN_PLACE));
	}

	@Test
	void invalidRefreshIntervalNamesTheProperty() {
		InfisicalConfigDataClients clients = clients(null);
		this.runner.withInitializer((context) -> clients.promote(context))
			.withPropertyValues("infisical.secrets.refresh-interval=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.secrets.refresh-interval"));
	}

	@Test
	void disabledCreatesNothing() {
		InfisicalConfigDataClients clients = clients(null);
		this.runner.withInitializer((context) -> clients.promote(context))
			.withPropertyValues("infisical.enabled=false", "infisical.secrets.refresh-interval=30s")
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalTokenProvider.class)
				.doesNotHaveBean(InfisicalSecretsPoller.class));
	}

	@Test
	void warnsOnceWhenAnAwsCredentialsBeanIsNotWhatConfigDataSignedWith(CapturedOutput output) {
		InfisicalConfigDataClients clients = clients(null);
		this.runner.withInitializer((context) -> clients.promote(context))
			.withBean(AwsCredentialsProvider.class, InfisicalTestFixtures::credentials)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output.getOut().split(WARNING, -1)).hasSize(2);
		assertThat(output).contains("the AWS SDK default credentials chain")
			.contains("addBootstrapRegistryInitializer")
			.contains("infisical.aws-auth.profile")
			.doesNotContain(InfisicalTestFixtures.SECRET_ACCESS_KEY);
	}

	@Test
	void doesNotWarnWhenConfigDataSignedWithTheSameProvider(CapturedOutput output) {
		AwsCredentialsProvider shared = InfisicalTestFixtures.credentials();
		InfisicalConfigDataClients clients = clients(shared);
		this.runner.withInitializer((context) -> clients.promote(context))
			.withBean(AwsCredentialsProvider.class, () -> shared)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

	private InfisicalConfigDataClients clients(AwsCredentialsProvider registered) {
		DefaultBootstrapContext bootstrap = new DefaultBootstrapContext();
		if (registered != null) {
			bootstrap.register(AwsCredentialsProvider.class, InstanceSupplier.of(registered));
		}
		// no server: without fail-fast the token provider starts and retries in the
		// background
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("infisical.site-url", "http://127.0.0.1:1",
				"infisical.aws-auth.identity-id", "id-1", "infisical.token.fail-fast", "false")));
		InfisicalProperties properties = binder.bind(InfisicalProperties.PREFIX, InfisicalProperties.class).get();
		InfisicalConfigDataClients clients = InfisicalConfigDataClients.get(bootstrap, properties, binder);
		this.created.add(clients);
		return clients;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTokenProviderConfiguration {

		@Bean
		InfisicalTokenProvider userTokenProvider() {
			return () -> InfisicalAccessToken.of("user-token", null);
		}

	}

}
