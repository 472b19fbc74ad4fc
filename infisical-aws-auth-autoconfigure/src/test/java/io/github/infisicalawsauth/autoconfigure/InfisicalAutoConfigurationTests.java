package io.github.infisicalawsauth.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link InfisicalAutoConfiguration}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalAutoConfigurationTests {

	private InfisicalTestServer server;

	private ApplicationContextRunner runner;

	@BeforeEach
	void startServer() {
		this.server = InfisicalTestServer.start();
		InfisicalTestFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InfisicalAutoConfiguration.class))
			.withUserConfiguration(AwsCredentialsConfiguration.class)
			.withPropertyValues("infisical.site-url=" + this.server.url(),
					"infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"infisical.aws-auth.region=us-east-1", "infisical.retry.initial-interval=20ms",
					"infisical.retry.max-interval=50ms", "infisical.retry.max-elapsed-time=300ms");
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void logsInAtStartupWithTheApplicationsCredentialsProvider() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(InfisicalTokenProvider.class)
				.hasSingleBean(LifecycleAwareTokenProvider.class)
				.hasSingleBean(InfisicalHttpClient.class);
			assertThat(this.server.loginCount()).isOne();
			InfisicalAccessToken token = context.getBean(InfisicalTokenProvider.class).getToken();
			assertThat(this.server.isTokenActive(token.value())).isTrue();
			assertThat(this.server.loginCount()).isOne();
		});
	}

	@Test
	void disabledCreatesNothingAndDoesNotLogIn() {
		this.runner.withPropertyValues("infisical.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(InfisicalTokenProvider.class)
				.doesNotHaveBean(InfisicalHttpClient.class);
			assertThat(this.server.loginCount()).isZero();
		});
	}

	@Test
	void missingIdentityIdFailsNamingTheProperty() {
		this.runner.withPropertyValues("infisical.aws-auth.identity-id=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.aws-auth.identity-id")
				.hasMessageContaining("infisical.enabled=false");
			assertThat(this.server.loginCount()).isZero();
		});
	}

	@Test
	void userTokenProviderWins() {
		this.runner.withUserConfiguration(UserTokenProviderConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(InfisicalTokenProvider.class)
				.doesNotHaveBean(LifecycleAwareTokenProvider.class);
			assertThat(context.getBean(InfisicalTokenProvider.class).getToken().value()).isEqualTo("user-token");
			assertThat(this.server.loginCount()).isZero();
		});
	}

	@Test
	void userTokenProviderWinsEvenWithoutIdentityId() {
		this.runner.withUserConfiguration(UserTokenProviderConfiguration.class)
			.withPropertyValues("infisical.aws-auth.identity-id=")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(InfisicalTokenProvider.class));
	}

	@Test
	void plainHttpToRemoteHostIsRefused() {
		this.runner.withPropertyValues("infisical.site-url=http://infisical.example.com").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.site-url")
				.hasMessageContaining("infisical.allow-insecure-http");
		});
	}

	@Test
	void plainHttpToRemoteHostIsAcceptedWhenAllowed() {
		this.runner.withUserConfiguration(UserTokenProviderConfiguration.class)
			.withPropertyValues("infisical.site-url=http://infisical.example.com/api/",
					"infisical.allow-insecure-http=true")
			.run((context) -> assertThat(context.getBean(InfisicalHttpClient.class).getSiteUrl())
				.hasToString("http://infisical.example.com/api"));
	}

	@Test
	void readTimeoutAppliesToCalls() {
		this.server.failAlways("/api/v1/auth/aws-auth/login", Fault.delay(Duration.ofSeconds(2)));
		this.runner.withPropertyValues("infisical.read-timeout=200ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("cannot reach Infisical")
				.hasStackTraceContaining("gave up waiting after");
		});
	}

	@Test
	void connectTimeoutAppliesToCalls() throws IOException {
		// a listener whose backlog is full: connecting hangs as to a host that drops
		// SYNs
		try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			List<Socket> fillers = new ArrayList<>();
			try {
				for (int i = 0; i < 2; i++) {
					Socket filler = new Socket();
					filler.connect(full.getLocalSocketAddress(), 1000);
					fillers.add(filler);
				}
				this.runner
					.withPropertyValues("infisical.site-url=http://127.0.0.1:" + full.getLocalPort(),
							"infisical.connect-timeout=200ms")
					.run((context) -> assertThat(context.getStartupFailure())
						.hasStackTraceContaining("cannot reach Infisical")
						.rootCause()
						.hasMessageContaining("connect timed out"));
			}
			finally {
				for (Socket filler : fillers) {
					filler.close();
				}
			}
		}
	}

	@Test
	void withoutFailFastStartsWhenLoginFails() {
		this.runner.withPropertyValues("infisical.aws-auth.identity-id=unknown", "infisical.token.fail-fast=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(InfisicalTokenProvider.class);
				// the login goes on in the background
				await().atMost(Duration.ofSeconds(5)).until(() -> this.server.loginCount() >= 1);
			});
	}

	@Test
	void organizationSlugIsChecked() {
		this.runner.withPropertyValues("infisical.organization-slug=" + "x".repeat(65))
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.organization-slug"));
	}

	@Test
	void chinaRegionIsRefused() {
		this.runner.withPropertyValues("infisical.aws-auth.region=cn-north-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.aws-auth.region")
				.hasMessageContaining("amazonaws.com");
			assertThat(this.server.loginCount()).isZero();
		});
	}

	@Test
	void invalidRetrySettingsAreRefused() {
		this.runner.withPropertyValues("infisical.retry.multiplier=0.5")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.retry.multiplier"));
		this.runner.withPropertyValues("infisical.read-timeout=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.read-timeout"));
		this.runner.withPropertyValues("infisical.connect-timeout=-1s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.connect-timeout"));
		this.runner.withPropertyValues("infisical.token.refresh-before-expiry=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.token.refresh-before-expiry"));
	}

	@Test
	void invalidMaxResponseSizeIsRefused() {
		this.runner.withPropertyValues("infisical.max-response-size=10B")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.max-response-size"));
	}

	@Test
	void invalidRoleSettingsAreRefused() {
		ApplicationContextRunner withoutBean = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InfisicalAutoConfiguration.class))
			.withPropertyValues("infisical.site-url=" + this.server.url(),
					"infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
					"infisical.aws-auth.region=us-east-1");
		withoutBean.withPropertyValues("infisical.aws-auth.role-arn=arn:aws:iam::123:user/x")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.aws-auth.role-arn"));
		withoutBean
			.withPropertyValues("infisical.aws-auth.role-arn=arn:aws:iam::123456789012:role/orders-service",
					"infisical.aws-auth.role-session-name=a b")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.aws-auth.role-session-name"));
		assertThat(this.server.loginCount()).isZero();
	}

	@Test
	void namedAwsProfileSignsTheLogin(@TempDir Path directory) throws IOException {
		Path credentials = directory.resolve("credentials");
		Files.writeString(credentials,
				"[default]\naws_access_key_id = AKIAWRONGDEFAULT01\naws_secret_access_key = wrong\n\n[orders]\n"
						+ "aws_access_key_id = " + InfisicalTestFixtures.ACCESS_KEY_ID + "\naws_secret_access_key = "
						+ InfisicalTestFixtures.SECRET_ACCESS_KEY + "\naws_session_token = "
						+ InfisicalTestFixtures.SESSION_TOKEN + "\n");
		Path config = Files.writeString(directory.resolve("config"), "");
		System.setProperty("aws.sharedCredentialsFile", credentials.toString());
		System.setProperty("aws.configFile", config.toString());
		try {
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(InfisicalAutoConfiguration.class))
				.withPropertyValues("infisical.site-url=" + this.server.url(),
						"infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
						"infisical.aws-auth.region=us-east-1", "infisical.aws-auth.profile=orders")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(this.server.loginCount()).isOne();
				});
		}
		finally {
			System.clearProperty("aws.sharedCredentialsFile");
			System.clearProperty("aws.configFile");
		}
	}

	@Test
	void unknownSslBundleIsRefused() {
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("infisical.ssl.bundle=infisical-ca")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(NoSuchSslBundleException.class)
				.hasMessageContaining("infisical-ca"));
	}

	@Test
	void sslBundleWithoutSslAutoConfigurationIsRefused() {
		this.runner.withPropertyValues("infisical.ssl.bundle=infisical-ca")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.ssl.bundle"));
	}

	@Test
	void failedLoginFailsStartup() {
		this.runner.withPropertyValues("infisical.aws-auth.identity-id=unknown").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(InfisicalLoginException.class.getName()
					+ ": Cannot log in to Infisical with AWS IAM: AWS auth method not found for identity");
		});
	}

	@Test
	void revokesOnShutdownWhenConfigured() {
		this.runner.withPropertyValues("infisical.token.revoke-on-shutdown=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.server.revokeCount()).isZero();
		});
		assertThat(this.server.revokeCount()).isOne();
	}

	@Test
	void doesNotRevokeOnShutdownByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.server.revokeCount()).isZero();
	}

	@Configuration(proxyBeanMethods = false)
	static class AwsCredentialsConfiguration {

		@Bean
		AwsCredentialsProvider testCredentials() {
			return InfisicalTestFixtures.credentials();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTokenProviderConfiguration {

		@Bean
		InfisicalTokenProvider userTokenProvider() {
			return () -> InfisicalAccessToken.of("user-token", null);
		}

	}

}
