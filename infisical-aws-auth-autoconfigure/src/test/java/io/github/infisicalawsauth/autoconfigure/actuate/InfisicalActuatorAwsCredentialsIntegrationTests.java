package io.github.infisicalawsauth.autoconfigure.actuate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts a web application with the actuator in a child JVM whose AWS credentials are
 * real environment variables of its process, as on ECS or in CI, and system properties,
 * logs it in to the in-process Infisical server with them, and reads {@code env} and
 * {@code configprops} over HTTP with {@code show-values: always}: neither shows the
 * secret key or the session token. A child process because a JVM cannot set its own
 * environment variables, and system properties alone would not prove that the
 * {@code systemEnvironment} property source is masked.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalActuatorAwsCredentialsIntegrationTests {

	// not the credentials it signs with: without aws.accessKeyId the SDK's chain skips
	// the system properties and takes the environment variables
	private static final String SYSTEM_SECRET_KEY = "Child-System-Secret-Key/Never+Shown0123456789";

	private static final String SYSTEM_SESSION_TOKEN = "Child-System-Session-Token-Never-Shown-FwoGZXIv";

	private static final Map<String, String> CREDENTIALS = Map.of("AWS_SECRET_ACCESS_KEY",
			InfisicalTestFixtures.SECRET_ACCESS_KEY, "AWS_SESSION_TOKEN", InfisicalTestFixtures.SESSION_TOKEN,
			"aws.secretAccessKey", SYSTEM_SECRET_KEY, "aws.sessionToken", SYSTEM_SESSION_TOKEN);

	private static final String MASKED = "******";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static InfisicalTestServer server;

	private static Process child;

	private static ChildOutput output;

	private static int port;

	@BeforeAll
	static void startChild() throws IOException, InterruptedException {
		server = InfisicalTestServer.start();
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		// surefire's booter sets java.class.path to the test classpath (its own manifest
		// jar is in surefire.real.class.path), as does an IDE
		List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-Daws.secretAccessKey=" + SYSTEM_SECRET_KEY, "-Daws.sessionToken=" + SYSTEM_SESSION_TOKEN, "-cp",
				System.getProperty("java.class.path"), ChildApplication.class.getName()));
		command.addAll(List.of("--server.port=0", "--server.address=127.0.0.1", "--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--app.signing-key=${AWS_SECRET_ACCESS_KEY}",
				"--app.session=${aws.sessionToken}", "--app.plain=visible-value",
				"--management.endpoints.web.exposure.include=env,configprops",
				"--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always",
				"--spring.main.banner-mode=off", "--logging.level.root=warn"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		Map<String, String> environment = builder.environment();
		// only these credentials, whatever the machine running the build has
		environment.keySet().removeIf((name) -> name.startsWith("AWS_"));
		environment.put("AWS_ACCESS_KEY_ID", InfisicalTestFixtures.ACCESS_KEY_ID);
		environment.put("AWS_SECRET_ACCESS_KEY", InfisicalTestFixtures.SECRET_ACCESS_KEY);
		environment.put("AWS_SESSION_TOKEN", InfisicalTestFixtures.SESSION_TOKEN);
		child = builder.start();
		output = new ChildOutput(child);
		Thread reader = new Thread(output, "child-output");
		reader.setDaemon(true);
		reader.start();
		String line = output.awaitLineStartingWith("PORT=", STARTUP_TIMEOUT);
		assertThat(line).as("the child's port, output:%n%s", output).isNotNull();
		port = Integer.parseInt(line.substring("PORT=".length()).trim());
	}

	@AfterAll
	static void stopChild() throws InterruptedException {
		try {
			if (child != null) {
				stop(child);
			}
		}
		finally {
			if (server != null) {
				server.close();
			}
		}
	}

	@Test
	void childLoggedInWithTheCredentialsOfItsEnvironment() {
		assertThat(server.loginCount()).isEqualTo(1);
	}

	@Test
	void envMasksTheSecretKeyAndSessionTokenOfEnvironmentVariablesAndSystemProperties() {
		String body = get("/actuator/env");
		assertNoCredentialIn(body);
		JsonNode sources = JSON.readTree(body).path("propertySources");
		JsonNode environment = properties(sources, "systemEnvironment");
		assertThat(valueOf(environment, "AWS_SECRET_ACCESS_KEY")).isEqualTo(MASKED);
		assertThat(valueOf(environment, "AWS_SESSION_TOKEN")).isEqualTo(MASKED);
		JsonNode systemProperties = properties(sources, "systemProperties");
		assertThat(valueOf(systemProperties, "aws.secretAccessKey")).isEqualTo(MASKED);
		assertThat(valueOf(systemProperties, "aws.sessionToken")).isEqualTo(MASKED);
		JsonNode commandLine = properties(sources, "commandLineArgs");
		assertThat(valueOf(commandLine, "app.signing-key")).isEqualTo(MASKED);
		assertThat(valueOf(commandLine, "app.session")).isEqualTo(MASKED);
		// masking is not blanket: the access key id tells which identity this is
		assertThat(valueOf(environment, "AWS_ACCESS_KEY_ID")).isEqualTo(InfisicalTestFixtures.ACCESS_KEY_ID);
		assertThat(valueOf(commandLine, "app.plain")).isEqualTo("visible-value");
	}

	@Test
	void envEntriesMaskTheCredentials() {
		for (String name : List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "aws.secretAccessKey",
				"aws.sessionToken", "app.signing-key", "app.session")) {
			String body = get("/actuator/env/" + name);
			assertNoCredentialIn(body);
			assertThat(JSON.readTree(body).path("property").path("value").asString()).as(name).isEqualTo(MASKED);
		}
	}

	@Test
	void configpropsMasksBoundCredentials() {
		String body = get("/actuator/configprops");
		assertNoCredentialIn(body);
		JsonNode app = bean(JSON.readTree(body), "app").path("properties");
		assertThat(app.path("signingKey").asString()).isEqualTo(MASKED);
		assertThat(app.path("session").asString()).isEqualTo(MASKED);
		assertThat(app.path("plain").asString()).isEqualTo("visible-value");
	}

	private static void assertNoCredentialIn(String body) {
		// never print the body: it would show the credential
		for (Map.Entry<String, String> credential : CREDENTIALS.entrySet()) {
			assertThat(body.contains(credential.getValue())).as("the value of %s in the body", credential.getKey())
				.isFalse();
		}
	}

	private static JsonNode properties(JsonNode sources, String name) {
		for (JsonNode source : sources) {
			if (source.path("name").asString().equals(name)) {
				return source.path("properties");
			}
		}
		throw new AssertionError("No property source " + name);
	}

	private static JsonNode bean(JsonNode configprops, String prefix) {
		for (JsonNode bean : configprops.findParents("prefix")) {
			if (bean.path("prefix").asString().equals(prefix)) {
				return bean;
			}
		}
		throw new AssertionError("No configuration properties bean " + prefix);
	}

	private static String valueOf(JsonNode properties, String name) {
		return properties.path(name).path("value").asString();
	}

	private static String get(String path) {
		try {
			HttpResponse<String> response = HTTP
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
					.timeout(Duration.ofSeconds(30))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	// closing its input makes the child close its context and exit; kill it if it hangs
	private static void stop(Process process) throws InterruptedException {
		try {
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			// already gone
		}
		if (!process.waitFor(20, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Reads the child's output line by line, so that the test waits for a line with a
	 * timeout rather than sleeping, and the child never blocks on a full pipe.
	 */
	private static final class ChildOutput implements Runnable {

		private static final int TAIL_LINES = 60;

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private final Deque<String> tail = new ArrayDeque<>();

		private volatile boolean ended;

		ChildOutput(Process process) {
			this.process = process;
		}

		@Override
		public void run() {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					remember(line);
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the child is gone
			}
			finally {
				this.ended = true;
				// wakes up a waiting test
				this.lines.add("");
			}
		}

		String awaitLineStartingWith(String prefix, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (true) {
				long left = deadline - System.nanoTime();
				String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : null;
				if (line == null) {
					return null;
				}
				if (line.startsWith(prefix)) {
					return line;
				}
				if (this.ended && this.lines.isEmpty()) {
					return null;
				}
			}
		}

		private synchronized void remember(String line) {
			if (this.tail.size() == TAIL_LINES) {
				this.tail.removeFirst();
			}
			this.tail.addLast(line);
		}

		@Override
		public synchronized String toString() {
			return String.join(System.lineSeparator(), this.tail);
		}

	}

	/**
	 * The application of the child JVM: prints its port, runs until its input closes.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableConfigurationProperties(AppProperties.class)
	static class ChildApplication {

		public static void main(String[] args) throws IOException {
			ConfigurableApplicationContext context = SpringApplication.run(ChildApplication.class, args);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			System.out.println("PORT=" + port);
			System.out.flush();
			// also ends when the test JVM dies without stopping it
			while (System.in.read() != -1) {
				// the test sends nothing
			}
			System.exit(SpringApplication.exit(context));
		}

	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String signingKey = "";

		private String session = "";

		private String plain = "";

		public String getSigningKey() {
			return this.signingKey;
		}

		public void setSigningKey(String signingKey) {
			this.signingKey = signingKey;
		}

		public String getSession() {
			return this.session;
		}

		public void setSession(String session) {
			this.session = session;
		}

		public String getPlain() {
			return this.plain;
		}

		public void setPlain(String plain) {
			this.plain = plain;
		}

	}

}
