package io.github.infisicalawsauth.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs every flow at TRACE for the root logger, also after switching levels at run time
 * through {@link LoggingSystem} (what {@code /actuator/loggers} does), and searches all
 * output, exception messages, {@code toString()}s and actuator answers for any credential
 * or secret value: access tokens and their JWT signatures, AWS secret keys and session
 * tokens (also those of an assumed role), SigV4 signatures, and imported secret values.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalNoLeakIntegrationTests {

	private static final String PROJECT = "project-1";

	private static final String[] SECRET_VALUES = { "Leak-Db-Password-0xA1", "Leak-Api-Key-0xB2",
			"Leak-Multi\nLine-0xC3", "Leak-${Placeholder}-0xD4", "Leak-Changed-Value-0xE5" };

	private static final String WRONG_SECRET_KEY = "Leak-Wrong-Secret-Key-0xF6";

	private static final Pattern SIGNATURE = Pattern.compile("Signature=([0-9a-f]{64})");

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<InfisicalTestServer> servers = new ArrayList<>();

	private final List<String> seen = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		System.clearProperty("aws.endpointUrlSts");
		System.clearProperty("aws.accessKeyId");
		System.clearProperty("aws.secretAccessKey");
		System.clearProperty("aws.sessionToken");
		LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());
		for (String logger : new String[] { "software.amazon.awssdk", "org.apache", "jdk.internal",
				"io.github.infisicalawsauth", "org.springframework" }) {
			loggingSystem.setLogLevel(logger, null);
		}
		loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	@Test
	void noCredentialOrSecretAppearsAnywhereInAnyFlow(CapturedOutput output) throws Exception {
		InfisicalTestServer server = server(Generation.CURRENT);
		System.setProperty("aws.endpointUrlSts", server.stsEndpoint().toString());
		// config data import, login, renewals, polling, actuator, at TRACE from the start
		ConfigurableApplicationContext context = run(server, "--logging.level.root=TRACE",
				"--infisical.token.refresh-before-expiry=1s", "--infisical.token.revoke-on-shutdown=true",
				"--infisical.secrets.refresh-interval=300ms");
		flows(context, server);
		context.close();
		// started at INFO, switched at run time as /actuator/loggers does, the AWS SDK,
		// Apache HttpClient and the JDK HTTP client included
		ConfigurableApplicationContext switched = run(server, "--infisical.token.refresh-before-expiry=1s",
				"--infisical.token.revoke-on-shutdown=true", "--infisical.secrets.refresh-interval=300ms");
		LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());
		loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.TRACE);
		for (String logger : new String[] { "software.amazon.awssdk", "org.apache", "jdk.internal",
				"io.github.infisicalawsauth", "org.springframework" }) {
			loggingSystem.setLogLevel(logger, LogLevel.TRACE);
		}
		flows(switched, server);
		switched.close();
		// error paths: STS refusals (asked directly too), and the 2024 generation
		stsRefusals(server);
		InfisicalTestServer old = server(Generation.V2024);
		failingImports(old);
		// a role assumed through the AWS SDK's STS client
		assumedRole(server);
		// legacy bootstrap
		legacyBootstrap(server);
		assertNothingLeaked(output);
	}

	private void flows(ConfigurableApplicationContext context, InfisicalTestServer server) throws Exception {
		InfisicalTokenProvider tokens = context.getBean(InfisicalTokenProvider.class);
		this.seen.add(String.valueOf(tokens));
		this.seen.add(String.valueOf(tokens.getToken()));
		int renewals = server.renewCount();
		await().atMost(Duration.ofSeconds(5)).until(() -> server.renewCount() > renewals);
		// a change found by polling, refreshed into the environment
		server.project(PROJECT).environment("dev").secret("CHANGING", SECRET_VALUES[4] + server.requests().size());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> String.valueOf(context.getEnvironment().getProperty("CHANGING")).startsWith(SECRET_VALUES[4]));
		context.getBean(ContextRefresher.class).refresh();
		// a rejected token, a refused renewal, server errors, a rate limit, garbage
		InfisicalSecretsClient secrets = context.getBean(InfisicalSecretsClient.class);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		// (the poller reads concurrently and may take a fault: only leaks matter here)
		server.revokeAllTokens();
		caught(() -> this.seen.add(String.valueOf(secrets.getSecrets(location).keySet())));
		server.enqueueFaults("/api/v1/auth/token/renew", Fault.status(401));
		server.enqueueFaults("/api/v4/secrets", Fault.status(503), Fault.rateLimited(Duration.ofMillis(100)));
		caught(() -> this.seen.add(String.valueOf(secrets.getSecrets(location).size())));
		server.enqueueFaults("/api/v4/secrets", Fault.malformedBody());
		caught(() -> secrets.getSecrets(location));
		server.enqueueFaults("/api/v4/secrets", Fault.status(403));
		caught(() -> secrets.getSecrets(location));
		caught(() -> secrets.getSecret(location, "MISSING"));
		caught(() -> this.seen.add(String.valueOf(secrets.getSecret(location, "DB_PASSWORD").length())));
		// what actuator shows
		for (String path : new String[] { "/actuator/health", "/actuator/infisical", "/actuator/env",
				"/actuator/env/DB_PASSWORD", "/actuator/env/app.password", "/actuator/configprops",
				"/actuator/metrics/infisical.requests" }) {
			this.seen.add(get(context, path));
		}
		this.seen.add(context.getEnvironment().getPropertySources().toString());
	}

	private void stsRefusals(InfisicalTestServer server) {
		AwsCredentialsProvider wrong = StaticCredentialsProvider.create(AwsSessionCredentials
			.create(InfisicalTestFixtures.ACCESS_KEY_ID, WRONG_SECRET_KEY, InfisicalTestFixtures.SESSION_TOKEN));
		caught(() -> run(server, wrong, "--logging.level.root=TRACE", "--spring.config.import=infisical:"));
		server.failAlways("/api/v1/auth/aws-auth/login", Fault.stsUnreachable());
		caught(() -> run(server, InfisicalTestFixtures.credentials(), "--logging.level.root=TRACE",
				"--spring.config.import=infisical:"));
		server.clearFaults();
	}

	private void failingImports(InfisicalTestServer server) {
		caught(() -> run(server, InfisicalTestFixtures.credentials(), "--logging.level.root=TRACE",
				"--spring.config.import=infisical:/missing"));
		server.failAlways("/api/v3/secrets", Fault.oversizedBody(64L * 1024 * 1024));
		caught(() -> run(server, InfisicalTestFixtures.credentials(), "--logging.level.root=TRACE",
				"--spring.config.import=infisical:"));
		server.failAlways("/api/v3/secrets", Fault.delay(Duration.ofSeconds(2)));
		caught(() -> run(server, InfisicalTestFixtures.credentials(), "--logging.level.root=TRACE",
				"--spring.config.import=infisical:", "--infisical.read-timeout=300ms"));
		server.clearFaults();
	}

	private void assumedRole(InfisicalTestServer server) {
		server.addAwsRole("arn:aws:iam::123456789012:role/orders-service");
		System.setProperty("aws.accessKeyId", InfisicalTestFixtures.ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", InfisicalTestFixtures.SECRET_ACCESS_KEY);
		System.setProperty("aws.sessionToken", InfisicalTestFixtures.SESSION_TOKEN);
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application
			.run(arguments(server, "--logging.level.root=TRACE", "--spring.config.import=infisical:",
					"--infisical.aws-auth.role-arn=arn:aws:iam::123456789012:role/orders-service"));
		this.closeables.add(0, context);
		assertThat(server.stsCallCount("AssumeRole")).isPositive();
		context.close();
	}

	private void legacyBootstrap(InfisicalTestServer server) {
		System.setProperty("aws.accessKeyId", InfisicalTestFixtures.ACCESS_KEY_ID);
		System.setProperty("aws.secretAccessKey", InfisicalTestFixtures.SECRET_ACCESS_KEY);
		System.setProperty("aws.sessionToken", InfisicalTestFixtures.SESSION_TOKEN);
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application
			.run(arguments(server, "--logging.level.root=TRACE", "--spring.cloud.bootstrap.enabled=true"));
		this.closeables.add(0, context);
		assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo(SECRET_VALUES[0]);
		context.close();
	}

	private void assertNothingLeaked(CapturedOutput output) {
		Set<String> secrets = new LinkedHashSet<>(List.of(SECRET_VALUES));
		secrets.add(WRONG_SECRET_KEY);
		secrets.add(InfisicalTestFixtures.SECRET_ACCESS_KEY);
		secrets.add(InfisicalTestFixtures.SESSION_TOKEN);
		for (InfisicalTestServer server : this.servers) {
			for (String issued : server.issuedCredentials()) {
				secrets.add(issued);
				if (issued.split("\\.").length == 3) {
					// the JWT signature alone
					secrets.add(issued.substring(issued.lastIndexOf('.') + 1));
				}
			}
			secrets.addAll(signatures(server));
		}
		assertThat(secrets).hasSizeGreaterThan(20);
		String everything = output.getAll() + String.join("\n", this.seen);
		for (String secret : secrets) {
			assertThat(everything).as("a credential or secret value").doesNotContain(secret);
		}
		assertThat(everything).doesNotContainIgnoringCase("x-amz-security-token: ")
			.doesNotContain("<SecretAccessKey>")
			.doesNotContain("<SessionToken>");
		assertThat(output).contains("Logged in to Infisical").contains("Renewed the Infisical access token");
	}

	// the SigV4 signatures of every signed login
	private static Set<String> signatures(InfisicalTestServer server) {
		Set<String> signatures = new LinkedHashSet<>();
		for (RecordedRequest request : server.requests("/api/v1/auth/aws-auth/login")) {
			Matcher headers = Pattern.compile("\"iamRequestHeaders\":\"([^\"]+)\"").matcher(request.body());
			if (headers.find()) {
				Matcher signature = SIGNATURE
					.matcher(new String(Base64.getDecoder().decode(headers.group(1)), StandardCharsets.UTF_8));
				while (signature.find()) {
					signatures.add(signature.group(1));
				}
			}
		}
		return signatures;
	}

	private void caught(ThrowingRunnable action) {
		try {
			action.run();
		}
		catch (Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				this.seen.add(cause.toString());
				this.seen.add(String.valueOf(cause.getMessage()));
			}
		}
	}

	private String get(ConfigurableApplicationContext context, String path) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		return response.body();
	}

	private InfisicalTestServer server(Generation generation) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).start();
		this.closeables.add(server);
		this.servers.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofSeconds(3), Duration.ofSeconds(8));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		server.project(PROJECT)
			.environment("dev")
			.secret("DB_PASSWORD", SECRET_VALUES[0])
			.secret("API_KEY", SECRET_VALUES[1])
			.secret("PEM", SECRET_VALUES[2])
			.secret("ODD", SECRET_VALUES[3]);
		return server;
	}

	private ConfigurableApplicationContext run(InfisicalTestServer server, String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		List<String> arguments = new ArrayList<>(List.of(arguments(server, args)));
		arguments.addAll(List.of("--server.port=0", "--spring.config.import=infisical:",
				"--app.password=${DB_PASSWORD}", "--management.endpoints.web.exposure.include=*",
				"--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always",
				"--management.endpoint.health.show-details=always"));
		ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
		this.closeables.add(0, context);
		return context;
	}

	private void run(InfisicalTestServer server, AwsCredentialsProvider credentials, String... args) {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addBootstrapRegistryInitializer(
				(registry) -> registry.register(AwsCredentialsProvider.class, InstanceSupplier.of(credentials)));
		this.closeables.add(0, application.run(arguments(server, args)));
	}

	private static String[] arguments(InfisicalTestServer server, String... args) {
		List<String> arguments = new ArrayList<>(List.of("--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=" + PROJECT,
				"--infisical.secrets.environment=dev", "--infisical.retry.initial-interval=20ms",
				"--infisical.retry.max-interval=50ms", "--infisical.retry.max-elapsed-time=500ms",
				"--spring.main.banner-mode=off"));
		arguments.addAll(List.of(args));
		return arguments.toArray(String[]::new);
	}

	@FunctionalInterface
	interface ThrowingRunnable {

		void run() throws Exception;

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
