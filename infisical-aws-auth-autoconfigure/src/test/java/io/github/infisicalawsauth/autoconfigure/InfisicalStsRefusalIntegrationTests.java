package io.github.infisicalawsauth.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Starts applications whose login AWS STS refuses, as a real 2024 server reports it
 * ({@code 500 Something went wrong}) or a current one ({@code 401 STS verification
 * failed}): the failure names the likely cause first and retrying stops within a few
 * seconds. Uses the default retry settings.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalStsRefusalIntegrationTests {

	private static final String WRONG_SECRET = "Wrong-Secret-Access-Key-Never-Logged";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		System.clearProperty("aws.endpointUrlSts");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void clockTwentyMinutesAheadIsNamedFirstWithItsOffset(Generation generation, CapturedOutput output) {
		// the server's clock is right; this host's is 20 minutes ahead of it
		InfisicalTestServer server = server(generation,
				Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20).minusSeconds(10)));
		assertThatException().isThrownBy(() -> run(server, InfisicalTestFixtures.credentials())).satisfies((ex) -> {
			InfisicalLoginException login = loginException(ex);
			assertThat(login.getReason()).isEqualTo(Reason.CLOCK_SKEW);
			assertThat(login.getMessage()).contains("Likely causes, most likely first: 1) your clock is 20 minutes "
					+ "ahead of the Infisical server's");
		});
		// signing again with the same clock cannot help
		assertThat(server.loginCount()).isOne();
		assertThat(output).contains("APPLICATION FAILED TO START").contains("Synchronise this host's clock");
		assertNoSecretIn(output);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void wrongSecretKeyNamesTheCredentialsAndStopsWithinSeconds(Generation generation, CapturedOutput output) {
		InfisicalTestServer server = server(generation, Clock.systemUTC());
		// STS cannot be asked from here: the credentials are still the first cause
		assertThatException().isThrownBy(() -> run(server, wrongSecret(), "--infisical.aws-auth.verify-with-sts=false"))
			.satisfies((ex) -> {
				InfisicalLoginException login = loginException(ex);
				assertThat(login.getReason()).isEqualTo(Reason.STS_REJECTED);
				assertThat(login.getMessage())
					.contains("1) the AWS credentials that signed the request: access key id ASIA... (temporary), "
							+ "with a session token, supplied by StaticCredentialsProvider")
					.contains("2) the Infisical server may be unable to reach https://sts.us-east-1.amazonaws.com")
					.contains("3) this host's clock agrees with the Infisical server's");
			});
		// the same refusal three times in a row, not a minute of backoff
		assertThat(server.loginCount()).isEqualTo(3);
		assertThat(output).contains("Check, in this order, the AWS credentials");
		assertNoSecretIn(output);
	}

	@Test
	void wrongSecretKeyConfirmedByStsStopsAtOnce(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.V2024, Clock.systemUTC());
		System.setProperty("aws.endpointUrlSts", server.stsEndpoint().toString());
		assertThatException().isThrownBy(() -> run(server, wrongSecret())).satisfies((ex) -> {
			InfisicalLoginException login = loginException(ex);
			assertThat(login.getReason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
			assertThat(login.getMessage())
				.contains("AWS STS, asked directly from this host, refused them too: SignatureDoesNotMatch");
		});
		assertThat(server.loginCount()).isOne();
		assertThat(server.stsCallCount("GetCallerIdentity")).isOne();
		assertThat(output).contains("Fix the AWS credentials");
		assertNoSecretIn(output);
	}

	@Test
	void serverThatCannotReachStsIsNamedWhenStsAcceptsTheCredentialsFromHere(CapturedOutput output) {
		InfisicalTestServer server = server(Generation.CURRENT, Clock.systemUTC());
		server.failAlways("/api/v1/auth/aws-auth/login", Fault.stsUnreachable());
		System.setProperty("aws.endpointUrlSts", server.stsEndpoint().toString());
		assertThatException().isThrownBy(() -> run(server, InfisicalTestFixtures.credentials())).satisfies((ex) -> {
			InfisicalLoginException login = loginException(ex);
			assertThat(login.getReason()).isEqualTo(Reason.STS_UNREACHABLE);
			assertThat(login.getMessage()).contains("1) AWS STS, asked directly from this host with the same "
					+ "credentials, accepted them as " + InfisicalTestFixtures.ROLE_SESSION_ARN);
		});
		assertThat(server.loginCount()).isEqualTo(3);
		// asked once, however often the login was retried
		assertThat(server.stsCallCount("GetCallerIdentity")).isOne();
		assertThat(output).contains("Let the Infisical server reach sts.<region>.amazonaws.com");
		assertNoSecretIn(output);
	}

	@Test
	void otherServerErrorsKeepTheirBackoff() {
		InfisicalTestServer server = server(Generation.CURRENT, Clock.systemUTC());
		server.failAlways("/api/v1/auth/aws-auth/login", Fault.status(503));
		assertThatException()
			.isThrownBy(
					() -> run(server, InfisicalTestFixtures.credentials(), "--infisical.retry.initial-interval=20ms",
							"--infisical.retry.max-interval=20ms", "--infisical.retry.max-elapsed-time=500ms"))
			.satisfies((ex) -> assertThat(loginException(ex).getReason()).isEqualTo(Reason.SERVER_ERROR));
		assertThat(server.loginCount()).isGreaterThan(5);
	}

	private static AwsCredentialsProvider wrongSecret() {
		return StaticCredentialsProvider.create(AwsSessionCredentials.create(InfisicalTestFixtures.ACCESS_KEY_ID,
				WRONG_SECRET, InfisicalTestFixtures.SESSION_TOKEN));
	}

	private static InfisicalLoginException loginException(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof InfisicalLoginException login) {
				return login;
			}
		}
		throw new AssertionError("No InfisicalLoginException in " + ex);
	}

	private static void assertNoSecretIn(CapturedOutput output) {
		assertThat(output).doesNotContain(WRONG_SECRET)
			.doesNotContain(InfisicalTestFixtures.SECRET_ACCESS_KEY)
			.doesNotContain(InfisicalTestFixtures.SESSION_TOKEN)
			.doesNotContain(InfisicalTestFixtures.ACCESS_KEY_ID)
			.doesNotContain("Signature=");
	}

	private InfisicalTestServer server(Generation generation, Clock clock) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).clock(clock).start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		return server;
	}

	private void run(InfisicalTestServer server, AwsCredentialsProvider credentials, String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application
			.addInitializers((context) -> context.getBeanFactory().registerSingleton("credentials", credentials));
		List<String> arguments = new ArrayList<>(List.of("--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--spring.main.banner-mode=off"));
		arguments.addAll(List.of(args));
		this.closeables.add(0, application.run(arguments.toArray(String[]::new)));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(InfisicalAutoConfiguration.class)
	static class TestApplication {

	}

}
