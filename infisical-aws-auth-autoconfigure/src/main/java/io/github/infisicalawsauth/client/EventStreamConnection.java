package io.github.infisicalawsauth.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalConnectionException;
import io.github.infisicalawsauth.InfisicalException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * A server-sent events answer of the Infisical API, read line by line as it arrives. It
 * is opened with a POST of JSON and a bearer token on the JDK {@link HttpClient} of an
 * {@link InfisicalHttpClient}; the answer's head must come within a timeout, the stream
 * itself has none: the reader decides when silence means a dead connection and
 * {@link #close() closes} it, from any thread. Error answers become
 * {@link InfisicalApiException}s as for the other calls.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class EventStreamConnection implements AutoCloseable {

	// an error answer is only read for its message
	private static final int MAX_ERROR_BODY_SIZE = 64 * 1024;

	private final String description;

	private final InputStream body;

	private final int maxLineLength;

	private final byte[] buffer = new byte[8192];

	private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

	private int position;

	private int limit;

	private boolean afterCarriageReturn;

	private volatile boolean closed;

	private EventStreamConnection(String description, InputStream body, int maxLineLength) {
		this.description = description;
		this.body = body;
		this.maxLineLength = maxLineLength;
	}

	/**
	 * Open an event stream: POST a JSON body with a bearer token and wait for the head of
	 * the answer.
	 * @param client the client whose JDK {@link HttpClient} and site to use
	 * @param path the path below {@code /api}, for example
	 * {@code /v1/events/subscribe/project-events}
	 * @param jsonBody the request body
	 * @param accessToken the access token
	 * @param answerTimeout how long to wait for the head of the answer
	 * @param maxLineLength the longest line kept; the rest of a longer one is dropped
	 * @return the open stream
	 * @throws InfisicalApiException for an error answer, or an answer that is not an
	 * event stream
	 * @throws InfisicalConnectionException when the server cannot be reached or the
	 * answer does not come in time
	 * @throws InfisicalException if the client was not built over a JDK
	 * {@link HttpClient}
	 */
	public static EventStreamConnection open(InfisicalHttpClient client, String path, byte[] jsonBody,
			String accessToken, Duration answerTimeout, int maxLineLength) {
		String description = "POST /api" + path;
		HttpClient httpClient = client.jdkHttpClient();
		if (httpClient == null) {
			throw new InfisicalException(description + " needs an InfisicalHttpClient built over a JDK HttpClient");
		}
		URI uri = client.uri(path, Map.of());
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(answerTimeout)
			.header(HttpHeaders.CONTENT_TYPE, "application/json")
			.header(HttpHeaders.ACCEPT, "text/event-stream")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken)
			.POST(HttpRequest.BodyPublishers.ofByteArray(jsonBody))
			.build();
		HttpResponse<InputStream> response;
		try {
			response = httpClient.send(request, HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (IOException ex) {
			throw new InfisicalConnectionException(description + " failed: cannot reach Infisical at "
					+ client.getSiteUrl().apiBase() + " (" + InfisicalHttpClient.rootMessage(ex) + ")", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InfisicalConnectionException(description + " was interrupted", ex);
		}
		HttpHeaders headers = new HttpHeaders();
		response.headers().map().forEach(headers::addAll);
		InputStream body = response.body();
		if (response.statusCode() != 200) {
			byte[] start;
			try (body) {
				start = body.readNBytes(MAX_ERROR_BODY_SIZE);
			}
			catch (IOException ex) {
				start = new byte[0];
			}
			throw ErrorAnswers.toException(new InfisicalHttpClient.Response(description, response.statusCode(), null,
					headers.getFirst(HttpHeaders.RETRY_AFTER), InfisicalHttpClient.serverDate(headers), start));
		}
		String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
		if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
			closeQuietly(body);
			throw new InfisicalApiException(description, 200, null,
					"Infisical answered with " + ((contentType != null) ? "'" + contentType + "'" : "no content type")
							+ " instead of an event stream; check infisical.site-url",
					null, null);
		}
		return new EventStreamConnection(description, body, maxLineLength);
	}

	/**
	 * Read the next line, without its end ({@code \n}, {@code \r\n} or {@code \r}),
	 * waiting as long as it takes.
	 * @return the line, cut to the longest line kept, or {@code null} at the end of the
	 * stream or once it is {@link #close() closed}
	 * @throws InfisicalConnectionException if the stream broke off
	 */
	public @Nullable String readLine() {
		this.line.reset();
		while (true) {
			if (this.position == this.limit && !fill()) {
				// an unfinished last line is dropped, as an unfinished event is
				return null;
			}
			byte next = this.buffer[this.position++];
			if (this.afterCarriageReturn) {
				this.afterCarriageReturn = false;
				if (next == '\n') {
					continue;
				}
			}
			if (next == '\n' || next == '\r') {
				this.afterCarriageReturn = (next == '\r');
				return this.line.toString(StandardCharsets.UTF_8);
			}
			if (this.line.size() < this.maxLineLength) {
				this.line.write(next);
			}
		}
	}

	private boolean fill() {
		if (this.closed) {
			return false;
		}
		try {
			int read = this.body.read(this.buffer);
			if (read <= 0) {
				return false;
			}
			this.position = 0;
			this.limit = read;
			return true;
		}
		catch (IOException ex) {
			if (this.closed) {
				return false;
			}
			throw new InfisicalConnectionException(
					this.description + " failed: the stream broke off (" + InfisicalHttpClient.rootMessage(ex) + ")",
					ex);
		}
	}

	/**
	 * Whether the stream was {@link #close() closed} by this side.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Close the stream and its connection; a thread blocked in {@link #readLine()} gets
	 * {@code null}.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.body);
	}

	private static void closeQuietly(InputStream body) {
		try {
			body.close();
		}
		catch (IOException ex) {
			// the connection is going away either way
		}
	}

	@Override
	public String toString() {
		return "EventStreamConnection[" + this.description + (this.closed ? ", closed" : "") + "]";
	}

}
