package io.github.infisicalawsauth.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Starts whole applications against the in-process Infisical server: startup failure
 * reports and what reaches the logs.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalStartupIntegrationTests {

	private InfisicalTestServer server;

	@BeforeEach
	void startServer() {
		this.server = InfisicalTestServer.start();
		InfisicalTestFixtures.configure(this.server, Duration.ofSeconds(4), Duration.ofMinutes(10));
	}

	@AfterEach
	void stopServer() {
		this.server.close();
		// logging levels outlive the application: keep TRACE out of later tests
		LoggingSystem.get(getClass().getClassLoader()).setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	@Test
	void loginOverlapsWithTheRestOfStartupAndIsDoneWhenTheContextIsReady() {
		this.server.enqueueFaults("/api/v1/auth/aws-auth/login", Fault.delay(Duration.ofMillis(1500)));
		SpringApplication application = new SpringApplication(TestApplication.class, LaterBeanConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run(arguments())) {
			// a bean created after the provider did not wait for the login
			assertThat(context.getBean(LaterBean.class).tokenHeldWhenCreated).isFalse();
			LifecycleAwareTokenProvider provider = context.getBean(LifecycleAwareTokenProvider.class);
			assertThat(provider.getStatus().expiresAt()).isNotNull();
			assertThat(this.server.loginCount()).isOne();
		}
	}

	@Test
	void failedLoginInTheBackgroundStillFailsStartup() {
		this.server.failAlways("/api/v1/auth/aws-auth/login", Fault.status(503));
		SpringApplication application = new SpringApplication(TestApplication.class, LaterBeanConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run(arguments()))
			.havingRootCause()
			.isInstanceOf(InfisicalApiException.class)
			.withMessageContaining("HTTP 503");
	}

	@Test
	void unknownIdentityFailsStartupWithAnalysis(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--infisical.aws-auth.identity-id=no-such-identity"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Cannot log in to Infisical with AWS IAM: AWS auth method not found for identity, "
					+ "did you configure AWS auth? (HTTP 404, reqId req-")
			.contains("Action:")
			.contains("Check infisical.aws-auth.identity-id");
	}

	@Test
	void principalNotAllowedFailsStartupWithAnalysis(CapturedOutput output) {
		this.server.addIdentity("billing-only").allowedPrincipalArns("arn:aws:iam::123456789012:role/billing");
		assertThatException().isThrownBy(() -> run("--infisical.aws-auth.identity-id=billing-only"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Access denied: AWS principal ARN not allowed.")
			.contains("Allow this AWS account or principal ARN");
	}

	@Test
	void unreachableServerFailsStartupWithAnalysis(CapturedOutput output) {
		this.server.stop();
		assertThatException().isThrownBy(() -> run());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("cannot reach Infisical at " + this.server.url() + "/api")
			.contains("gave up waiting after")
			.contains("Check that infisical.site-url is right");
	}

	@Test
	void missingAwsCredentialsFailStartupWithAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(TestApplication.class, NoCredentialsConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setAllowBeanDefinitionOverriding(true);
		assertThatException().isThrownBy(() -> application.run("--infisical.site-url=" + this.server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("no AWS credentials found")
			.contains("Give the application AWS credentials");
		assertThat(this.server.loginCount()).isZero();
	}

	@Test
	void missingIdentityIdFailsStartupNamingTheProperty(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--infisical.aws-auth.identity-id="));
		assertThat(output).contains("APPLICATION FAILED TO START").contains("infisical.aws-auth.identity-id");
		assertThat(this.server.loginCount()).isZero();
	}

	@Test
	void noSecretReachesTheLogsAtTrace(CapturedOutput output) {
		List<String> tokens = new ArrayList<>();
		try (ConfigurableApplicationContext context = run("--logging.level.root=TRACE",
				"--infisical.token.revoke-on-shutdown=true", "--infisical.token.refresh-before-expiry=1s")) {
			InfisicalTokenProvider provider = context.getBean(InfisicalTokenProvider.class);
			InfisicalAccessToken first = provider.getToken();
			tokens.add(first.value());
			// a renewal, then a failed renewal that falls back to a login
			await().atMost(Duration.ofSeconds(5)).until(() -> this.server.renewCount() >= 1);
			await().atMost(Duration.ofSeconds(2)).until(() -> !provider.getToken().equals(first));
			tokens.add(provider.getToken().value());
			this.server.enqueueFaults("/api/v1/auth/token/renew", Fault.status(401));
			String renewed = provider.getToken().value();
			await().atMost(Duration.ofSeconds(5)).until(() -> !provider.getToken().value().equals(renewed));
			tokens.add(provider.getToken().value());
			provider.tokenRejected(provider.getToken());
			tokens.add(provider.getToken().value());
		}
		assertThat(this.server.revokeCount()).isOne();
		assertThat(output).contains("Logged in to Infisical");
		for (String token : tokens) {
			assertThat(output).doesNotContain(token);
			assertThat(output).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
		}
		assertThat(output).doesNotContain(InfisicalTestFixtures.SECRET_ACCESS_KEY)
			.doesNotContain(InfisicalTestFixtures.SESSION_TOKEN)
			.doesNotContain("Signature=")
			.doesNotContain("eyJhbGciOi");
	}

	private ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run(arguments(args));
	}

	private String[] arguments(String... args) {
		Map<String, String> arguments = new LinkedHashMap<>();
		Stream
			.concat(Stream.of("--infisical.site-url=" + this.server.url(),
					"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"--infisical.aws-auth.region=us-east-1", "--infisical.retry.initial-interval=20ms",
					"--infisical.retry.max-interval=50ms", "--infisical.retry.max-elapsed-time=300ms"), Stream.of(args))
			.forEach((argument) -> arguments.put(argument.substring(0, argument.indexOf('=')), argument));
		return arguments.values().toArray(String[]::new);
	}

	@Configuration(proxyBeanMethods = false)
	static class LaterBeanConfiguration {

		@Bean
		LaterBean laterBean(LifecycleAwareTokenProvider provider) {
			return new LaterBean(provider.getStatus().expiresAt() != null);
		}

	}

	record LaterBean(boolean tokenHeldWhenCreated) {
	}

	@Configuration(proxyBeanMethods = false)
	static class NoCredentialsConfiguration {

		@Bean
		AwsCredentialsProvider testCredentials() {
			return () -> {
				throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(InfisicalAutoConfiguration.class)
	static class TestApplication {

		@Bean
		AwsCredentialsProvider testCredentials() {
			return InfisicalTestFixtures.credentials();
		}

	}

}
