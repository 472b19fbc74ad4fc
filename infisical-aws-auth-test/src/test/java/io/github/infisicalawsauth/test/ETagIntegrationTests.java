package io.github.infisicalawsauth.test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the {@code ETag}s of {@link InfisicalTestServer}: rendered once
 * per change of the store, reused for conditional requests.
 *
 * @author Infisical AWS Auth contributors
 */
class ETagIntegrationTests {

	private static final String V3_LIST = "/api/v3/secrets/raw?workspaceId=p1&environment=dev&secretPath=/app"
			+ "&include_imports=true&recursive=true&expandSecretReferences=true";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	private TestClient client;

	private String token;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private void start(Generation generation) {
		this.server = InfisicalTestServer.builder().generation(generation).clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1");
		ProjectSpec project = this.server.project("p1");
		project.environment("dev")
			.folder("/app")
			.secret("URL", "https://app.internal")
			.secret("REF", "${shared.db.PASSWORD}")
			.importFrom("shared", "/db");
		project.environment("shared").folder("/db").secret("PASSWORD", "pw");
		project.environment("dev").folder("/other").secret("OTHER", "o");
		this.client = new TestClient(this.server, this.clock);
		this.token = this.client.loginForToken();
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void conditionalReadIsAnsweredWithoutRenderingAgain(Generation generation) {
		start(generation);
		HttpResponse<String> first = this.client.get(V3_LIST, this.token);
		String etag = first.headers().firstValue("ETag").orElseThrow();
		assertThat(renderCount()).isOne();
		HttpResponse<String> notModified = this.client.get(V3_LIST, this.token, "If-None-Match", etag);
		assertThat(notModified.statusCode()).isEqualTo(304);
		assertThat(notModified.body()).isEmpty();
		assertThat(notModified.headers().firstValue("ETag")).hasValue(etag);
		HttpResponse<String> again = this.client.get(V3_LIST, this.token);
		assertThat(again.body()).isEqualTo(first.body());
		assertThat(again.headers().firstValue("ETag")).hasValue(etag);
		assertThat(renderCount()).isOne();
		assertThat(this.server.secretReadCount()).isEqualTo(3);
	}

	@Test
	void notModifiedCarriesTheLengthOfTheRepresentation() {
		start(Generation.V2024);
		HttpResponse<String> first = this.client.get(V3_LIST, this.token);
		String etag = first.headers().firstValue("ETag").orElseThrow();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			RawConnection.Answer answer = connection
				.send("GET " + V3_LIST + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Authorization: Bearer " + this.token
						+ "\r\nIf-None-Match: " + etag + "\r\n\r\n")
				.readAnswer();
			assertThat(answer.status()).isEqualTo(304);
			assertThat(answer.header("Content-Length")).isEqualTo(first.headers().firstValue("Content-Length").get());
			assertThat(answer.header("Date")).isEqualTo("Wed, 15 Jan 2025 10:00:00 GMT");
			// no body follows: the next answer starts right after the head
			assertThat(connection.send("GET /api/v9/nothing HTTP/1.1\r\n\r\n").readAnswer().status()).isEqualTo(404);
		}
	}

	@ParameterizedTest
	@MethodSource("changes")
	void everyChangeTheAnswerShowsRendersItAgain(Consumer<InfisicalTestServer> change) {
		start(Generation.CURRENT);
		HttpResponse<String> first = this.client.get(V3_LIST, this.token);
		String etag = first.headers().firstValue("ETag").orElseThrow();
		assertThat(this.client.get(V3_LIST, this.token, "If-None-Match", etag).statusCode()).isEqualTo(304);
		change.accept(this.server);
		HttpResponse<String> changed = this.client.get(V3_LIST, this.token, "If-None-Match", etag);
		assertThat(changed.statusCode()).isEqualTo(200);
		assertThat(changed.body()).isNotEqualTo(first.body());
		assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(first.headers().firstValue("ETag"));
		assertThat(renderCount()).isEqualTo(2);
	}

	static Stream<Arguments> changes() {
		return Stream.of(change("secret value", (server) -> app(server).secret("URL", "https://changed")),
				change("secret comment", (server) -> app(server).secret("URL", "https://app.internal", "why")),
				change("tags", (server) -> app(server).tags("URL", "backend")),
				change("removed secret", (server) -> app(server).removeSecret("URL")),
				change("new import", (server) -> app(server).importFrom("dev", "/other")),
				change("imported or referenced secret",
						(server) -> server.project("p1").environment("shared").folder("/db").secret("PASSWORD", "new")),
				change("new sub-folder",
						(server) -> server.project("p1").environment("dev").folder("/app/worker").secret("W", "w")),
				change("identity permission",
						(server) -> server.addIdentity(TestClient.IDENTITY_ID).hiddenValues("p1", "dev", "/app")));
	}

	@Test
	void answersAreKeptPerQueryAndIdentity() {
		start(Generation.CURRENT);
		this.server.addIdentity("identity-2").canReadProject("p1").hiddenValues("p1", "dev", "/app");
		HttpResponse<String> login = this.client.post(InfisicalTestServer.LOGIN_PATH,
				TestClient.loginBody("identity-2", this.client.signedHeaders()));
		String otherToken = TestClient.json(login).get("accessToken").asString();
		String unexpanded = V3_LIST.replace("expandSecretReferences=true", "expandSecretReferences=false");
		HttpResponse<String> expanded = this.client.get(V3_LIST, this.token);
		HttpResponse<String> raw = this.client.get(unexpanded, this.token);
		HttpResponse<String> hidden = this.client.get(V3_LIST, otherToken);
		assertThat(renderCount()).isEqualTo(3);
		assertThat(expanded.body()).contains("\"secretValue\":\"pw\"").doesNotContain("hidden-by-infisical");
		assertThat(raw.body()).contains("${shared.db.PASSWORD}");
		assertThat(hidden.body()).contains("<hidden-by-infisical>");
		for (int i = 0; i < 3; i++) {
			assertThat(this.client.get(V3_LIST, this.token).body()).isEqualTo(expanded.body());
			assertThat(this.client.get(unexpanded, this.token).body()).isEqualTo(raw.body());
			assertThat(this.client.get(V3_LIST, otherToken).body()).isEqualTo(hidden.body());
		}
		assertThat(renderCount()).isEqualTo(3);
	}

	@Test
	void singleSecretAnswerIsKeptUntilItChanges() {
		start(Generation.CURRENT);
		String single = "/api/v4/secrets/URL?projectId=p1&environment=dev&secretPath=/app";
		String etag = this.client.get(single, this.token).headers().firstValue("ETag").orElseThrow();
		assertThat(this.client.get(single, this.token, "If-None-Match", etag).statusCode()).isEqualTo(304);
		assertThat(renderCount()).isOne();
		app(this.server).secret("URL", "https://changed");
		HttpResponse<String> changed = this.client.get(single, this.token, "If-None-Match", etag);
		assertThat(changed.statusCode()).isEqualTo(200);
		assertThat(TestClient.json(changed).get("secret").get("secretValue").asString()).isEqualTo("https://changed");
	}

	private int renderCount() {
		return this.server.renderedAnswers().renderCount();
	}

	private static FolderSpec app(InfisicalTestServer server) {
		return server.project("p1").environment("dev").folder("/app");
	}

	private static Arguments change(String name, Consumer<InfisicalTestServer> change) {
		return Arguments.of(Named.of(name, change));
	}

}
