package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for fault injection, lifecycle and concurrency of
 * {@link InfisicalTestServer}.
 *
 * @author Infisical AWS Auth contributors
 */
class FaultsIntegrationTests {

	private static final String SECRETS = "/api/v4/secrets?projectId=p1&environment=dev&secretPath=/";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	private TestClient client;

	private String token;

	@BeforeEach
	void startServer() {
		this.server = InfisicalTestServer.builder().clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1");
		this.server.project("p1").environment("dev").secret("KEY", "value");
		this.client = new TestClient(this.server, this.clock);
		this.token = this.client.loginForToken();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void statusFaultIsConsumedOncePerRequest() {
		this.server.enqueueFaults(InfisicalTestServer.LOGIN_PATH, Fault.status(503), Fault.status(500));
		HttpResponse<String> first = this.client.login();
		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(TestClient.json(first).get("reqId").asString()).startsWith("req-");
		HttpResponse<String> second = this.client.login();
		assertThat(second.statusCode()).isEqualTo(500);
		assertThat(TestClient.json(second).get("message").asString()).isEqualTo("Something went wrong");
		assertThat(this.client.login().statusCode()).isEqualTo(200);
		assertThat(this.server.loginCount()).isEqualTo(4);
	}

	@Test
	void slowStatusFaultLetsRequestsSentTogetherOverlap() throws Exception {
		this.server.failAlways(InfisicalTestServer.LOGIN_PATH, Fault.status(503, Duration.ofMillis(300)));
		java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			var first = executor.submit(() -> this.client.login());
			var second = executor.submit(() -> this.client.login());
			assertThat(first.get().statusCode()).isEqualTo(503);
			assertThat(second.get().statusCode()).isEqualTo(503);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.server.maxConcurrentRequests(InfisicalTestServer.LOGIN_PATH)).isEqualTo(2);
	}

	@Test
	void rateLimitedFaultSendsRetryAfter() {
		this.server.enqueueFaults("/api/v4/secrets", Fault.rateLimited(Duration.ofMillis(1500)));
		HttpResponse<String> response = this.client.get(SECRETS, this.token);
		assertThat(response.statusCode()).isEqualTo(429);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(TestClient.json(response).get("message").asString())
			.isEqualTo("Rate limit exceeded. Please try again in 2 seconds");
		assertThat(this.client.get(SECRETS, this.token).statusCode()).isEqualTo(200);
	}

	@Test
	void rateLimitedUntilFaultSendsRetryAfterAsAnHttpDateOfTheServerClock() {
		this.server.enqueueFaults("/api/v4/secrets", Fault.rateLimitedUntil(Duration.ofMillis(1500)));
		HttpResponse<String> response = this.client.get(SECRETS, this.token);
		assertThat(response.statusCode()).isEqualTo(429);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("Wed, 15 Jan 2025 10:00:02 GMT");
		assertThat(response.headers().firstValue("Date")).hasValue("Wed, 15 Jan 2025 10:00:00 GMT");
		assertThat(this.client.get(SECRETS, this.token).statusCode()).isEqualTo(200);
	}

	@Test
	void malformedBodyFaultAnswersNonJson() {
		this.server.enqueueFaults(InfisicalTestServer.RENEW_PATH, Fault.malformedBody());
		HttpResponse<String> response = this.client.renew(this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("<html>oops");
	}

	@Test
	void dropConnectionFaultSendsNoResponse() {
		this.server.enqueueFaults(InfisicalTestServer.LOGIN_PATH, Fault.dropConnection());
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(this.client::login)
			.withCauseInstanceOf(IOException.class);
		assertThat(this.client.login().statusCode()).isEqualTo(200);
	}

	@Test
	void failAlwaysAppliesUntilCleared() {
		this.server.failAlways("/api/v4", Fault.status(502));
		assertThat(this.client.get(SECRETS, this.token).statusCode()).isEqualTo(502);
		assertThat(this.client.get(SECRETS, this.token).statusCode()).isEqualTo(502);
		this.server.clearFaults();
		assertThat(this.client.get(SECRETS, this.token).statusCode()).isEqualTo(200);
		assertThat(this.server.secretReadCount()).isEqualTo(3);
	}

	@Test
	void delayFaultDoesNotHoldUpOtherRequests() throws Exception {
		this.server.enqueueFaults("/api/v4/secrets", Fault.delay(Duration.ofMillis(1500)));
		CompletableFuture<HttpResponse<String>> delayed = this.client.http()
			.sendAsync(HttpRequest.newBuilder(URI.create(this.server.url() + SECRETS))
				.header("Authorization", "Bearer " + this.token)
				.build(), HttpResponse.BodyHandlers.ofString());
		Thread.sleep(100);
		assertThat(this.client.renew(this.token).statusCode()).isEqualTo(200);
		assertThat(delayed).isNotDone();
		assertThat(delayed.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
	}

	@Test
	void stoppedServerRefusesConnectionsAndRestartsOnSamePort() {
		int port = this.server.port();
		this.server.stop();
		assertThat(this.server.isRunning()).isFalse();
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.client.get(SECRETS, this.token));
		this.server.restart();
		assertThat(this.server.port()).isEqualTo(port);
		assertThat(this.client.get(SECRETS, this.token).statusCode()).isEqualTo(200);
	}

	@Test
	void concurrentRequestsAreAllAnswered() {
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			HttpRequest request = (i % 4 == 0)
					? HttpRequest.newBuilder(URI.create(this.server.url() + InfisicalTestServer.LOGIN_PATH))
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(
								TestClient.loginBody(TestClient.IDENTITY_ID, this.client.signedHeaders()))))
						.build()
					: HttpRequest.newBuilder(URI.create(this.server.url() + SECRETS))
						.header("Authorization", "Bearer " + this.token)
						.build();
			responses.add(this.client.http().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
		}
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertThat(response.join().statusCode()).isEqualTo(200);
		}
		assertThat(this.server.loginCount()).isEqualTo(51);
		assertThat(this.server.secretReadCount()).isEqualTo(150);
	}

	@Test
	void clearRequestsResetsCounters() {
		this.client.get(SECRETS, this.token);
		this.server.clearRequests();
		assertThat(this.server.requests()).isEmpty();
		assertThat(this.server.loginCount()).isZero();
		JsonNode body = TestClient.json(this.client.get(SECRETS, this.token));
		assertThat(body.get("secrets")).hasSize(1);
		assertThat(this.server.requests()).hasSize(1);
	}

}
