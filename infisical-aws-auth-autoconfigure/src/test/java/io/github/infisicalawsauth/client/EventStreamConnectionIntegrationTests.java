package io.github.infisicalawsauth.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalConnectionException;
import io.github.infisicalawsauth.InfisicalException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.JdkClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link EventStreamConnection} against a bare HTTP server that
 * answers what Infisical's test server never does: other line ends, lines cut across
 * chunks, answers that are not event streams.
 *
 * @author Infisical AWS Auth contributors
 */
class EventStreamConnectionIntegrationTests {

	private static final String PATH = "/v1/events/subscribe/project-events";

	private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

	private final CountDownLatch release = new CountDownLatch(1);

	private @Nullable HttpServer server;

	private @Nullable InfisicalHttpClient client;

	@AfterEach
	void stop() {
		this.release.countDown();
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	@Test
	void readsLinesWhateverTheirEndAndAcrossChunks() throws IOException {
		InfisicalHttpClient client = serve((exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
			exchange.sendResponseHeaders(200, 0);
			OutputStream body = exchange.getResponseBody();
			write(body, "event: ping\ndata: {}\r\n\r");
			write(body, "\nda");
			write(body, "ta: ünïcødé\r");
			write(body, "\r\nunfinished");
			body.close();
		});
		try (EventStreamConnection stream = open(client)) {
			assertThat(stream.readLine()).isEqualTo("event: ping");
			assertThat(stream.readLine()).isEqualTo("data: {}");
			assertThat(stream.readLine()).isEmpty();
			assertThat(stream.readLine()).isEqualTo("data: ünïcødé");
			assertThat(stream.readLine()).isEmpty();
			// an unfinished last line is dropped
			assertThat(stream.readLine()).isNull();
		}
	}

	@Test
	void cutsLinesLongerThanTheLimit() throws IOException {
		InfisicalHttpClient client = serve((exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			OutputStream body = exchange.getResponseBody();
			write(body, "data: " + "x".repeat(100_000) + "\nnext\n");
			body.close();
		});
		try (EventStreamConnection stream = EventStreamConnection.open(client, PATH, BODY, "token",
				Duration.ofSeconds(5), 16)) {
			assertThat(stream.readLine()).isEqualTo("data: xxxxxxxxxx");
			assertThat(stream.readLine()).isEqualTo("next");
		}
	}

	@Test
	void sendsTheBodyAndTheTokenAndAsksForAnEventStream() throws Exception {
		CompletableFuture<String> request = new CompletableFuture<>();
		InfisicalHttpClient client = serve((exchange) -> {
			request.complete(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
					+ exchange.getRequestHeaders().getFirst("Authorization") + " "
					+ exchange.getRequestHeaders().getFirst("Accept") + " "
					+ new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, -1);
		});
		open(client).close();
		assertThat(request.get(5, TimeUnit.SECONDS))
			.isEqualTo("POST /api/v1/events/subscribe/project-events Bearer token text/event-stream {}");
	}

	@Test
	void errorAnswersAreDecodedAsForEveryCall() throws IOException {
		InfisicalHttpClient client = serve((exchange) -> {
			byte[] body = "{\"reqId\":\"req-1\",\"statusCode\":402,\"message\":\"Upgrade your plan\",\"error\":\"PaymentRequired\"}"
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.getResponseHeaders().add("Retry-After", "7");
			exchange.sendResponseHeaders(402, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		assertThatExceptionOfType(InfisicalApiException.class).isThrownBy(() -> open(client)).satisfies((ex) -> {
			assertThat(ex.getStatusCode()).isEqualTo(402);
			assertThat(ex.getError()).isEqualTo("PaymentRequired");
			assertThat(ex.getServerMessage()).isEqualTo("Upgrade your plan");
			assertThat(ex.getReqId()).isEqualTo("req-1");
			assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(7));
			assertThat(ex.isTransient()).isFalse();
			assertThat(ex).hasMessage("POST /api/v1/events/subscribe/project-events failed: HTTP 402 "
					+ "PaymentRequired: Upgrade your plan (reqId req-1)");
		});
	}

	@Test
	void anAnswerThatIsNotAnEventStreamIsRefused() throws IOException {
		InfisicalHttpClient client = serve((exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "text/html");
			exchange.sendResponseHeaders(200, 0);
			write(exchange.getResponseBody(), "<html>login</html>");
			exchange.close();
		});
		assertThatExceptionOfType(InfisicalApiException.class).isThrownBy(() -> open(client))
			.withMessageContaining("Infisical answered with 'text/html' instead of an event stream")
			.satisfies((ex) -> assertThat(ex.isTransient()).isFalse());
	}

	@Test
	void closeEndsAReadWaitingForTheNextLine() throws Exception {
		InfisicalHttpClient client = serve((exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, 0);
			write(exchange.getResponseBody(), "event: ping\n");
			awaitRelease(this.release);
		});
		EventStreamConnection stream = open(client);
		assertThat(stream.readLine()).isEqualTo("event: ping");
		CompletableFuture<@Nullable String> next = new CompletableFuture<>();
		Thread reader = new Thread(() -> next.complete(stream.readLine()));
		reader.setDaemon(true);
		reader.start();
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> reader.getState() == Thread.State.WAITING);
		stream.close();
		assertThat(next.get(5, TimeUnit.SECONDS)).isNull();
		assertThat(stream.isClosed()).isTrue();
	}

	@Test
	void anUnreachableServerIsATransientFailure() throws IOException {
		InfisicalHttpClient client = serve((exchange) -> exchange.close());
		HttpServer stopped = this.server;
		this.server = null;
		stopped.stop(0);
		assertThatExceptionOfType(InfisicalConnectionException.class).isThrownBy(() -> open(client))
			.withMessageContaining("cannot reach Infisical at")
			.satisfies((ex) -> assertThat(ex.isTransient()).isTrue());
	}

	@Test
	void aClientWithoutAJdkHttpClientCannotOpenAStream() {
		InfisicalHttpClient client = new InfisicalHttpClient(InfisicalSiteUrl.of("http://127.0.0.1:1", false),
				new JdkClientHttpRequestFactory());
		assertThatExceptionOfType(InfisicalException.class).isThrownBy(() -> open(client))
			.withMessageContaining("needs an InfisicalHttpClient built over a JDK HttpClient");
	}

	private static EventStreamConnection open(InfisicalHttpClient client) {
		return EventStreamConnection.open(client, PATH, BODY, "token", Duration.ofSeconds(5), 1024);
	}

	private InfisicalHttpClient serve(Handler handler) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/", (exchange) -> {
			try {
				handler.handle(exchange);
			}
			finally {
				exchange.close();
			}
		});
		server.start();
		this.server = server;
		this.client = new InfisicalHttpClient(
				InfisicalSiteUrl.of("http://127.0.0.1:" + server.getAddress().getPort(), false),
				HttpClient.newHttpClient(), Duration.ofSeconds(5), InfisicalHttpClient.DEFAULT_MAX_RESPONSE_SIZE);
		return this.client;
	}

	private static void write(OutputStream body, String text) throws IOException {
		body.write(text.getBytes(StandardCharsets.UTF_8));
		body.flush();
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@FunctionalInterface
	private interface Handler {

		void handle(HttpExchange exchange) throws IOException;

	}

}
