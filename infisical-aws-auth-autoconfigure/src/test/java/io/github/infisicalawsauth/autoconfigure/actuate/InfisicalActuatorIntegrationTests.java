package io.github.infisicalawsauth.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts a web application with the actuator against the in-process Infisical server and
 * reads the real endpoints over HTTP, with {@code show-values: always}: no Infisical
 * value shows, the health and the {@code infisical} endpoint tell the state.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalActuatorIntegrationTests {

	private static final String PROJECT = "project-1";

	private static final String DB_PASSWORD = "Actuator-Db-Pa55-Never-Shown";

	private static final String API_KEY = "Actuator-Api-Key-Never-Shown";

	private static final String PLACEHOLDER_LIKE = "Never-Shown-${literal}";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private InfisicalTestServer server;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() {
		this.server = InfisicalTestServer.builder().generation(Generation.CURRENT).start();
		InfisicalTestFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
		this.server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		this.server.project(PROJECT)
			.environment("dev")
			.secret("DB_PASSWORD", DB_PASSWORD)
			.secret("API_KEY", API_KEY)
			.secret("ODD", PLACEHOLDER_LIKE);
		SpringApplication application = new SpringApplication(WebApplication.class);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		this.context = application.run("--server.port=0", "--infisical.site-url=" + this.server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=" + PROJECT,
				"--infisical.secrets.environment=dev", "--infisical.secrets.refresh-interval=1h",
				"--spring.config.import=infisical:", "--app.password=${DB_PASSWORD}",
				"--app.description=uses ${API_KEY:none}", "--app.plain=visible-value",
				"--management.endpoints.web.exposure.include=*", "--management.endpoint.env.show-values=always",
				"--management.endpoint.configprops.show-values=always",
				"--management.endpoint.health.show-details=always", "--management.endpoint.health.probes.enabled=true",
				"--spring.main.banner-mode=off");
	}

	@AfterEach
	void stop() {
		this.context.close();
		this.server.close();
	}

	@Test
	void envAndConfigpropsNeverShowAnInfisicalValue() {
		List<String> bodies = new ArrayList<>();
		bodies.add(get("/actuator/env"));
		bodies.add(get("/actuator/env/DB_PASSWORD"));
		bodies.add(get("/actuator/env/app.password"));
		bodies.add(get("/actuator/env/app.description"));
		bodies.add(get("/actuator/configprops"));
		bodies.add(get("/actuator/configprops/app"));
		for (String body : bodies) {
			assertThat(body).doesNotContain(DB_PASSWORD).doesNotContain(API_KEY).doesNotContain("Never-Shown");
		}
		// other values still show: masking is not blanket
		assertThat(bodies.get(0)).contains("visible-value").contains("DB_PASSWORD").contains("******");
		JsonNode property = JSON.readTree(bodies.get(2)).path("property");
		assertThat(property.path("value").asString()).isEqualTo("******");
		assertThat(this.context.getBean(AppProperties.class).getPassword()).isEqualTo(DB_PASSWORD);
	}

	@Test
	void healthIsUpWithTheTokenExpiryAndTheReadsButNotInReadiness() {
		JsonNode health = JSON.readTree(get("/actuator/health/infisical"));
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").path("tokenExpiresInSeconds").asLong()).isBetween(3500L, 3600L);
		assertThat(health.path("details").path("lastRefresh").path("by").asString()).isEqualTo("login");
		JsonNode secrets = health.path("details").path("secrets");
		assertThat(secrets.path("project 'project-1', environment 'dev', path '/'").path("lastOutcome").asString())
			.isEqualTo("UNCHANGED");
		String readiness = get("/actuator/health/readiness");
		assertThat(readiness).doesNotContain("infisical");
		String all = get("/actuator/health");
		assertThat(all).contains("infisical").doesNotContain("eyJ").doesNotContain(DB_PASSWORD);
	}

	@Test
	void infisicalEndpointListsImportsByNameOnly() {
		String body = get("/actuator/infisical");
		JsonNode imported = JSON.readTree(body).path("imports").get(0);
		assertThat(imported.path("location").asString()).isEqualTo("infisical:");
		assertThat(imported.path("projectId").asString()).isEqualTo(PROJECT);
		assertThat(imported.path("environment").asString()).isEqualTo("dev");
		assertThat(imported.path("state").asString()).isEqualTo("LOADED");
		assertThat(imported.path("lastPollOutcome").asString()).isEqualTo("UNCHANGED");
		assertThat(imported.path("unchangedForSeconds").asLong()).isGreaterThanOrEqualTo(0);
		assertThat(imported.path("channels").toString()).contains("\"polling\"");
		// the event stream opens with the context, on a thread of its own
		await().atMost(Duration.ofSeconds(5))
			.until(() -> JSON.readTree(get("/actuator/infisical")).path("imports").get(0).path("channels").toString(),
					(channels) -> channels.equals("[\"polling\",\"stream\"]"));
		assertThat(imported.path("lastNotice").isMissingNode() || imported.path("lastNotice").isNull()).isTrue();
		assertThat(imported.path("properties").toString()).contains("DB_PASSWORD", "API_KEY", "ODD");
		assertThat(body).doesNotContain(DB_PASSWORD).doesNotContain(API_KEY).doesNotContain("Never-Shown");
	}

	@Test
	void metricsHaveTheRequestsAndTheTokenExpiry() {
		// a rejected token: a read, a login again, the read again; then a server error
		// and a retry: all observed
		this.server.revokeAllTokens();
		this.server.enqueueFaults("/api/v4/secrets", Fault.status(401), Fault.status(503));
		assertThat(
				this.context.getBean(InfisicalSecretsClient.class).getSecrets(SecretLocation.of(PROJECT, "dev", "/")))
			.containsKey("DB_PASSWORD");
		JsonNode expiry = JSON.readTree(get("/actuator/metrics/infisical.token.expiry"));
		assertThat(expiry.path("measurements").get(0).path("value").asDouble()).isBetween(3500.0, 3600.0);
		JsonNode requests = JSON.readTree(get("/actuator/metrics/infisical.requests"));
		assertThat(requests.path("availableTags").toString()).contains("operation", "login", "secrets.read", "outcome",
				"SUCCESS", "SERVER_ERROR", "server.generation", "current", "http.status.class", "2xx", "5xx");
	}

	private String get(String path) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			return response.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableConfigurationProperties(AppProperties.class)
	static class WebApplication {

	}

	@ConfigurationProperties("app")
	static class AppProperties {

		private String password = "";

		private String description = "";

		private String plain = "";

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getDescription() {
			return this.description;
		}

		public void setDescription(String description) {
			this.description = description;
		}

		public String getPlain() {
			return this.plain;
		}

		public void setPlain(String plain) {
			this.plain = plain;
		}

	}

}
