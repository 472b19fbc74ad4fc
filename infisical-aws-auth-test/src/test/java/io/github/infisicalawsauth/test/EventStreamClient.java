package io.github.infisicalawsauth.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * A server-sent events client for tests: subscribes with the JDK {@code HttpClient} and
 * parses events on a daemon thread as they arrive.
 *
 * @author Infisical AWS Auth contributors
 */
final class EventStreamClient implements AutoCloseable {

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<ServerSentEvent> events = new LinkedBlockingQueue<>();

	private final CompletableFuture<Void> end = new CompletableFuture<>();

	private EventStreamClient(HttpResponse<InputStream> response) {
		this.response = response;
		if (response.statusCode() == 200) {
			Thread reader = new Thread(this::read, "event-stream-client");
			reader.setDaemon(true);
			reader.start();
		}
	}

	/**
	 * Subscribe.
	 * @param http the client
	 * @param server the server
	 * @param token the access token, or {@code null} to send none
	 * @param body the subscription
	 * @return the client, once the head of the answer arrived
	 */
	static EventStreamClient subscribe(HttpClient http, InfisicalTestServer server, String token, JsonNode body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + EventStreams.SUBSCRIBE_PATH))
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try {
			return new EventStreamClient(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	HttpResponse<InputStream> response() {
		return this.response;
	}

	int status() {
		return this.response.statusCode();
	}

	/**
	 * Read the whole body of an answer that is not a stream.
	 * @return the body as JSON
	 */
	JsonNode errorBody() {
		try (InputStream body = this.response.body()) {
			return Json.MAPPER.readTree(body.readAllBytes());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Wait for the next event.
	 * @return the event
	 * @throws AssertionError if none arrives within 5 seconds
	 */
	ServerSentEvent next() {
		try {
			ServerSentEvent event = this.events.poll(5, TimeUnit.SECONDS);
			if (event == null) {
				throw new AssertionError("No event within 5 seconds (stream ended: " + this.end.isDone() + ")");
			}
			return event;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Wait for the next event that is not a ping.
	 * @return the event
	 */
	ServerSentEvent nextEvent() {
		ServerSentEvent event = next();
		while (event.event().equals("ping")) {
			event = next();
		}
		return event;
	}

	/**
	 * Return the events received and not taken yet.
	 * @return the number of waiting events
	 */
	int waiting() {
		return this.events.size();
	}

	/**
	 * Return the end of the stream: completes normally when the body ended properly,
	 * exceptionally when the connection was closed in its middle.
	 * @return the end
	 */
	CompletableFuture<Void> end() {
		return this.end;
	}

	@Override
	public void close() {
		try {
			this.response.body().close();
		}
		catch (IOException ex) {
			// closed anyway
		}
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
			String id = null;
			String event = null;
			StringBuilder data = null;
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.isEmpty()) {
					if (event != null || data != null) {
						this.events.add(new ServerSentEvent(id, (event != null) ? event : "message",
								(data != null) ? data.toString() : ""));
					}
					id = null;
					event = null;
					data = null;
				}
				else if (line.startsWith("id:")) {
					id = value(line);
				}
				else if (line.startsWith("event:")) {
					event = value(line);
				}
				else if (line.startsWith("data:")) {
					data = (data != null) ? data.append('\n').append(value(line)) : new StringBuilder(value(line));
				}
			}
			this.end.complete(null);
		}
		catch (IOException | RuntimeException ex) {
			this.end.completeExceptionally(ex);
		}
	}

	private static String value(String line) {
		String value = line.substring(line.indexOf(':') + 1);
		return value.startsWith(" ") ? value.substring(1) : value;
	}

	/**
	 * An event of the stream.
	 */
	record ServerSentEvent(String id, String event, String data) {

		JsonNode json() {
			return Json.MAPPER.readTree(this.data);
		}

	}

}
