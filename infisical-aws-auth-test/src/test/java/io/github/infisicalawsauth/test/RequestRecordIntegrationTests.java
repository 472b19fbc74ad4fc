package io.github.infisicalawsauth.test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Integration tests for the bounded request record of {@link InfisicalTestServer}.
 *
 * @author Infisical AWS Auth contributors
 */
class RequestRecordIntegrationTests {

	private static final String SECRETS = "/api/v3/secrets/raw?workspaceId=p1&environment=dev&secretPath=/&n=";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	private TestClient client;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private String start(InfisicalTestServer.Builder builder) {
		this.server = builder.clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1");
		this.server.project("p1").environment("dev").secret("KEY", "value");
		this.client = new TestClient(this.server, this.clock);
		return this.client.loginForToken();
	}

	@Test
	void recordKeepsLatestThousandByDefaultWhileCountersCountEverything() {
		String token = start(InfisicalTestServer.builder());
		List<String> sent = new ArrayList<>(List.of("login"));
		int reads = 2500;
		int renewals = 700;
		for (int i = 1; i <= reads; i++) {
			assertThat(this.client.get(SECRETS + i, token).statusCode()).isEqualTo(200);
			sent.add("read " + i);
			if (i % 3 == 0 && i / 3 <= renewals) {
				assertThat(this.client.renew(token).statusCode()).isEqualTo(200);
				sent.add("renew");
			}
		}
		List<RecordedRequest> recorded = this.server.requests();
		assertThat(recorded).hasSize(1000);
		assertThat(recorded).extracting(RequestRecordIntegrationTests::label)
			.containsExactlyElementsOf(sent.subList(sent.size() - 1000, sent.size()));
		assertThat(this.server.loginCount()).isEqualTo(1);
		assertThat(this.server.renewCount()).isEqualTo(renewals);
		assertThat(this.server.secretReadCount()).isEqualTo(reads);
		assertThat(this.server.requests(SecretRoutes.V3_PATH)).hasSize(1000 - 150);
	}

	@Test
	void recordKeepsConfiguredNumberOfRequests() {
		String token = start(InfisicalTestServer.builder().maxRecordedRequests(10));
		for (int i = 1; i <= 3000; i++) {
			this.client.get(SECRETS + i, token);
		}
		assertThat(this.server.requests()).extracting((request) -> request.queryParameter("n"))
			.containsExactly("2991", "2992", "2993", "2994", "2995", "2996", "2997", "2998", "2999", "3000");
		assertThat(this.server.secretReadCount()).isEqualTo(3000);
		this.server.clearRequests();
		assertThat(this.server.requests()).isEmpty();
		assertThat(this.server.secretReadCount()).isZero();
		this.client.get(SECRETS + "after", token);
		assertThat(this.server.requests()).singleElement()
			.satisfies((request) -> assertThat(request.queryParameter("n")).isEqualTo("after"));
	}

	@Test
	void recordOfZeroKeepsNothingButCounts() {
		String token = start(InfisicalTestServer.builder().maxRecordedRequests(0));
		this.client.get(SECRETS + 1, token);
		assertThat(this.server.requests()).isEmpty();
		assertThat(this.server.loginCount()).isOne();
		assertThat(this.server.secretReadCount()).isOne();
	}

	@Test
	void maxConcurrentRequestsCountsOverlappingRequestsOfAPath() {
		String token = start(InfisicalTestServer.builder());
		this.client.get(SECRETS + 1, token);
		this.client.get(SECRETS + 2, token);
		assertThat(this.server.maxConcurrentRequests(SecretRoutes.V3_PATH)).isOne();
		this.server.failAlways(SecretRoutes.V3_PATH, Fault.delay(Duration.ofMillis(300)));
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CompletableFuture<?> first = CompletableFuture.runAsync(() -> this.client.get(SECRETS + 3, token),
					executor);
			CompletableFuture<?> second = CompletableFuture.runAsync(() -> this.client.get(SECRETS + 4, token),
					executor);
			CompletableFuture.allOf(first, second).join();
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.server.maxConcurrentRequests(SecretRoutes.V3_PATH)).isEqualTo(2);
		assertThat(this.server.maxConcurrentRequests(InfisicalTestServer.LOGIN_PATH)).isOne();
		assertThat(this.server.maxConcurrentRequests("/api/unknown")).isZero();
	}

	@Test
	void negativeRecordSizeIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> InfisicalTestServer.builder().maxRecordedRequests(-1))
			.withMessage("'maxRecordedRequests' must not be negative");
	}

	private static String label(RecordedRequest request) {
		return switch (request.path()) {
			case InfisicalTestServer.LOGIN_PATH -> "login";
			case InfisicalTestServer.RENEW_PATH -> "renew";
			default -> "read " + request.queryParameter("n");
		};
	}

}
