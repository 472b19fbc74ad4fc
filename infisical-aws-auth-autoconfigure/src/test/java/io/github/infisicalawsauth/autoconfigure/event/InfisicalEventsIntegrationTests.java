package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the application events, with and without
 * {@code spring.config.import=infisical:}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalEventsIntegrationTests {

	private static final String PROJECT = "project-1";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void tokenEventsWithoutConfigData() {
		InfisicalTestServer server = server(Duration.ofSeconds(4));
		ConfigurableApplicationContext context = run(server, "--infisical.token.refresh-before-expiry=1s");
		Events events = context.getBean(Events.class);
		// events arrive on the provider's event thread
		await().atMost(Duration.ofSeconds(5)).until(() -> !events.received.isEmpty());
		assertThat(events.received).first()
			.isInstanceOfSatisfying(InfisicalLoggedInEvent.class,
					(event) -> assertThat(event.isCallerWaited()).isTrue());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> events.of(InfisicalTokenRefreshedEvent.class).stream().anyMatch((event) -> event.isRenewed()));
		// a refused renewal falls back to a login, a refused login is a failed refresh
		int refreshes = events.of(InfisicalTokenRefreshedEvent.class).size();
		server.enqueueFaults("/api/v1/auth/token/renew", Fault.status(500));
		server.enqueueFaults("/api/v1/auth/aws-auth/login", Fault.status(503));
		await().atMost(Duration.ofSeconds(5)).until(() -> !events.of(InfisicalTokenRefreshFailedEvent.class).isEmpty());
		InfisicalTokenRefreshFailedEvent failed = events.of(InfisicalTokenRefreshFailedEvent.class).get(0);
		assertThat(failed.getFailuresInARow()).isOne();
		assertThat(failed.getKeepingUntil()).isNotNull();
		assertThat(failed.getReason()).isEqualTo(InfisicalLoginException.Reason.SERVER_ERROR);
		assertThat(failed.getFailure()).hasMessageContaining("503");
		assertThat(failed.isTransient()).isTrue();
		// the next attempt succeeds
		await().atMost(Duration.ofSeconds(5))
			.until(() -> events.of(InfisicalTokenRefreshedEvent.class).size() > refreshes);
		server.revokeAllTokens();
		context.getBean(InfisicalSecretsClient.class).getSecrets(SecretLocation.of(PROJECT, "dev", "/"));
		assertThat(events.of(InfisicalTokenRejectedEvent.class)).hasSize(1);
	}

	@Test
	void configDataReportsItsLoginAndChangedSecrets() {
		InfisicalTestServer server = server(Duration.ofHours(1));
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", "first");
		ConfigurableApplicationContext context = run(server, "--spring.config.import=infisical:",
				"--infisical.secrets.refresh-interval=200ms");
		Events events = context.getBean(Events.class);
		// the login happened while the configuration loaded: reported when the context
		// started
		await().atMost(Duration.ofSeconds(5)).until(() -> events.of(InfisicalLoggedInEvent.class).size() == 1);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", "second").secret("ADDED", "new");
		await().atMost(Duration.ofSeconds(5)).until(() -> !events.of(InfisicalSecretsChangedEvent.class).isEmpty());
		InfisicalSecretsChangedEvent changed = events.of(InfisicalSecretsChangedEvent.class).get(0);
		assertThat(changed.getLocation()).isEqualTo(SecretLocation.of(PROJECT, "dev", "/"));
		assertThat(changed.getNames()).containsExactlyInAnyOrder("DB_PASSWORD", "ADDED");
		assertThat(changed.toString()).doesNotContain("second").doesNotContain("new");
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("second");
	}

	private InfisicalTestServer server(Duration ttl) {
		InfisicalTestServer server = InfisicalTestServer.start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, ttl, Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		server.project(PROJECT).environment("dev");
		return server;
	}

	private ConfigurableApplicationContext run(InfisicalTestServer server, String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		application.addInitializers((context) -> context.getBeanFactory()
			.registerSingleton("credentials", InfisicalTestFixtures.credentials()));
		List<String> arguments = new ArrayList<>(List.of("--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=" + PROJECT,
				"--infisical.secrets.environment=dev", "--infisical.retry.initial-interval=20ms",
				"--infisical.retry.max-interval=50ms", "--spring.main.banner-mode=off"));
		arguments.addAll(List.of(args));
		ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
		this.closeables.add(0, context);
		return context;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Events events() {
			return new Events();
		}

	}

	static class Events implements ApplicationListener<InfisicalEvent> {

		final List<InfisicalEvent> received = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(InfisicalEvent event) {
			this.received.add(event);
		}

		<E extends InfisicalEvent> List<E> of(Class<E> type) {
			return this.received.stream().filter(type::isInstance).map(type::cast).toList();
		}

	}

}
