package io.github.infisicalawsauth.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.infisicalawsauth.test.RawConnection.Answer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the HTTP/1.1 transport of {@link InfisicalTestServer}, over plain
 * sockets where the bytes on the wire matter.
 *
 * @author Infisical AWS Auth contributors
 */
class HttpTransportIntegrationTests {

	private static final String UNKNOWN_ROUTE = "GET /api/v9/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private InfisicalTestServer start() {
		this.server = InfisicalTestServer.builder().clock(this.clock).start();
		return this.server;
	}

	@Test
	void dateHeaderComesFromServerClock() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			Answer first = connection.send(UNKNOWN_ROUTE).readAnswer();
			assertThat(first.header("Date")).isEqualTo("Wed, 15 Jan 2025 10:00:00 GMT");
			this.clock.advance(Duration.ofDays(20).plusHours(3).plusSeconds(7));
			Answer second = connection.send(UNKNOWN_ROUTE).readAnswer();
			assertThat(second.header("Date")).isEqualTo("Tue, 04 Feb 2025 13:00:07 GMT");
		}
	}

	@Test
	void answerLeavesInOneWrite() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			for (int i = 0; i < 20; i++) {
				// headers and body written separately arrive in two reads (the body
				// late, held back by Nagle's algorithm until the headers are
				// acknowledged)
				String answer = new String(connection.send(UNKNOWN_ROUTE).readOnce(), StandardCharsets.UTF_8);
				assertThat(answer).startsWith("HTTP/1.1 404 Not Found\r\n").endsWith("\"error\":\"Not Found\"}");
			}
		}
	}

	@Test
	void keepAliveConnectionServesRequestsInTurn() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			// pipelined: both requests sent before the first answer is read
			connection.send(UNKNOWN_ROUTE + UNKNOWN_ROUTE);
			Answer first = connection.readAnswer();
			Answer second = connection.readAnswer();
			assertThat(first.status()).isEqualTo(404);
			assertThat(first.header("Content-Length")).isEqualTo(Integer.toString(first.body().length));
			assertThat(first.header("Connection")).isNull();
			assertThat(second.status()).isEqualTo(404);
			assertThat(second.bodyText()).contains("Route GET:/api/v9/nothing not found");
		}
		assertThat(this.server.requests()).hasSize(2);
	}

	@Test
	void connectionCloseIsAnsweredThenClosed() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			Answer answer = connection
				.send("GET /api/v9/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
				.readAnswer();
			assertThat(answer.status()).isEqualTo(404);
			assertThat(answer.header("Connection")).isEqualTo("close");
			assertThat(connection.closedByServer()).isTrue();
		}
	}

	@Test
	void http10IsClosedUnlessKeptAlive() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			Answer answer = connection.send("GET /api/v9/nothing HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
				.readAnswer();
			assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
			assertThat(answer.header("Connection")).isEqualTo("keep-alive");
			connection.send("GET /api/v9/nothing HTTP/1.0\r\n\r\n").readAnswer();
			assertThat(connection.closedByServer()).isTrue();
		}
	}

	@Test
	void chunkedRequestBodyIsRecorded() {
		start();
		String json = "{\"accessToken\":\"not-a-jwt\"}";
		try (RawConnection connection = new RawConnection(this.server.port())) {
			Answer answer = connection
				.send("POST " + InfisicalTestServer.RENEW_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + "a;ext=1\r\n"
						+ json.substring(0, 10) + "\r\n" + Integer.toHexString(json.length() - 10) + "\r\n"
						+ json.substring(10) + "\r\n0\r\nTrailer: x\r\n\r\n")
				.readAnswer();
			// the body was read: a token error, not a validation failure
			assertThat(answer.status()).isEqualTo(403);
			assertThat(answer.bodyText()).contains("invalid token");
			assertThat(connection.send(UNKNOWN_ROUTE).readAnswer().status()).isEqualTo(404);
		}
		RecordedRequest recorded = this.server.requests(InfisicalTestServer.RENEW_PATH).get(0);
		assertThat(recorded.body()).isEqualTo(json);
		assertThat(recorded.header("transfer-encoding")).isEqualTo("chunked");
	}

	@Test
	void expectContinueIsAnsweredBeforeTheBody() {
		start();
		String json = "{\"accessToken\":\"not-a-jwt\"}";
		try (RawConnection connection = new RawConnection(this.server.port())) {
			connection.send("POST " + InfisicalTestServer.RENEW_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + json.length()
					+ "\r\n\r\n");
			Answer interim = connection.readAnswer();
			assertThat(interim.statusLine()).isEqualTo("HTTP/1.1 100 Continue");
			assertThat(connection.send(json).readAnswer().status()).isEqualTo(403);
		}
	}

	@Test
	void jdkClientUpgradeToHttp2IsIgnored() throws Exception {
		start();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
		HttpResponse<String> response = client.send(
				HttpRequest.newBuilder(URI.create(this.server.url() + "/api/v9/nothing")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
		assertThat(this.server.requests().get(0).header("Upgrade")).isEqualTo("h2c");
		assertThat(client
			.send(HttpRequest.newBuilder(URI.create(this.server.url() + "/api/v9/other")).build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(404);
	}

	@Test
	void headAnswerHasContentLengthButNoBody() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			Answer head = connection.send("HEAD /api/v9/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readAnswer(true);
			assertThat(Integer.parseInt(head.header("Content-Length"))).isPositive();
			// the next answer starts right where the head ended
			assertThat(connection.send(UNKNOWN_ROUTE).readAnswer().status()).isEqualTo(404);
		}
	}

	@Test
	void malformedRequestIsBadRequestAndClosed() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			Answer answer = connection.send("NONSENSE\r\n\r\n").readAnswer();
			assertThat(answer.status()).isEqualTo(400);
			assertThat(answer.header("Date")).isEqualTo("Wed, 15 Jan 2025 10:00:00 GMT");
			assertThat(answer.header("Connection")).isEqualTo("close");
			assertThat(connection.closedByServer()).isTrue();
		}
	}

	@Test
	void idleConnectionIsClosedAfterIdleTimeout() {
		this.server = InfisicalTestServer.builder().idleTimeout(Duration.ofMillis(300)).start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			assertThat(connection.send(UNKNOWN_ROUTE).readAnswer().status()).isEqualTo(404);
			// the read waits up to 5 s: only the server's idle timeout ends it sooner
			assertThat(connection.closedByServer()).isTrue();
		}
	}

	@Test
	void stopClosesOpenConnectionsAndRestartServesAgain() {
		start();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			assertThat(connection.send(UNKNOWN_ROUTE).readAnswer().status()).isEqualTo(404);
			this.server.stop();
			assertThat(connection.closedByServer()).isTrue();
		}
		this.server.restart();
		try (RawConnection connection = new RawConnection(this.server.port())) {
			assertThat(connection.send(UNKNOWN_ROUTE).readAnswer().status()).isEqualTo(404);
		}
		assertThat(this.server.requests()).hasSize(2);
	}

	@Test
	void httpsServesTheSameApi(@TempDir Path directory) throws Exception {
		TestCertificates certificates = TestCertificates.create(directory);
		this.server = InfisicalTestServer.builder().clock(this.clock).https(certificates.serverContext()).start();
		assertThat(this.server.url()).startsWith("https://127.0.0.1:");
		HttpClient client = HttpClient.newBuilder().sslContext(certificates.clientContext()).build();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(URI.create(this.server.url() + "/api/v9/nothing")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
			assertThat(response.headers().firstValue("Date")).hasValue("Wed, 15 Jan 2025 10:00:00 GMT");
		}
		this.server.stop();
		this.server.restart();
		assertThat(client
			.send(HttpRequest.newBuilder(URI.create(this.server.url() + "/api/v9/nothing")).build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(404);
	}

}
