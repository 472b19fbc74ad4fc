package io.github.infisicalawsauth.test;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One request of an HTTP connection and its answer. Every answer carries a {@code Date}
 * header from the server's clock (so that a client can measure its offset from the
 * server, as it would with a real one) and a {@code Content-Length}, except a
 * {@link #sendChunked streamed} one; headers and a body in memory go out in one write.
 *
 * @author Infisical AWS Auth contributors
 */
final class HttpExchange {

	/**
	 * The IMF-fixdate format of RFC 9110 (RFC 1123 with a two-digit day, always GMT).
	 */
	static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private static final int STREAM_BUFFER_SIZE = 64 * 1024;

	private final Socket socket;

	private final OutputStream output;

	private final Clock clock;

	private final String method;

	private final String target;

	private final Map<String, List<String>> headers;

	private final byte[] body;

	private final boolean http10;

	private boolean keepAlive;

	private boolean completed;

	HttpExchange(Socket socket, OutputStream output, Clock clock, String method, String target,
			Map<String, List<String>> headers, byte[] body, boolean keepAlive, boolean http10) {
		this.socket = socket;
		this.output = output;
		this.clock = clock;
		this.method = method;
		this.target = target;
		this.headers = headers;
		this.body = body;
		this.keepAlive = keepAlive;
		this.http10 = http10;
	}

	String method() {
		return this.method;
	}

	/**
	 * Return the request target as sent, normally path and query.
	 * @return the raw request target
	 */
	String target() {
		return this.target;
	}

	/**
	 * Return the request headers.
	 * @return the headers, with case-insensitive names
	 */
	Map<String, List<String>> headers() {
		return this.headers;
	}

	byte[] body() {
		return this.body;
	}

	boolean keepAlive() {
		return this.keepAlive;
	}

	boolean completed() {
		return this.completed;
	}

	/**
	 * Answer with a body held in memory, headers and body in one write.
	 * @param status the status
	 * @param responseHeaders the headers; {@code Date}, {@code Content-Length} and
	 * {@code Connection} are set here, except that a {@code Content-Length} given for a
	 * {@code 304} is kept (the length of the representation it stands for)
	 * @param responseBody the body
	 * @throws IOException if the client is gone
	 */
	void send(int status, Map<String, String> responseHeaders, byte[] responseBody) throws IOException {
		boolean bodyless = isBodyless(status);
		long contentLength = responseBody.length;
		String declared = responseHeaders.get("Content-Length");
		if (status == 304 && declared != null) {
			contentLength = Long.parseLong(declared);
		}
		ByteArrayOutputStream answer = new ByteArrayOutputStream(512 + (bodyless ? 0 : responseBody.length));
		answer.writeBytes(head(status, responseHeaders, contentLength));
		if (!bodyless) {
			answer.writeBytes(responseBody);
		}
		this.completed = true;
		answer.writeTo(this.output);
		this.output.flush();
	}

	/**
	 * Answer with a body written piece by piece, never held in memory as a whole.
	 * @param status the status
	 * @param responseHeaders the headers
	 * @param contentLength the exact length that the writer writes
	 * @param writer writes the body
	 * @throws IOException if the client is gone or the writer wrote a wrong length
	 */
	void sendStreamed(int status, Map<String, String> responseHeaders, long contentLength, BodyWriter writer)
			throws IOException {
		this.completed = true;
		// the head goes through the buffer, so that it leaves with the first piece of
		// body
		BufferedOutputStream buffered = new BufferedOutputStream(this.output, STREAM_BUFFER_SIZE);
		buffered.write(head(status, responseHeaders, contentLength));
		CountingOutputStream body = new CountingOutputStream(buffered, contentLength);
		if (!isBodyless(status)) {
			writer.write(body);
		}
		buffered.flush();
		if (!isBodyless(status) && body.count() != contentLength) {
			drop();
			throw new IOException("Streamed " + body.count() + " bytes instead of " + contentLength);
		}
	}

	/**
	 * Start an answer whose body is written as it is produced, for a server-sent events
	 * stream: no {@code Content-Length}, the body in {@code Transfer-Encoding: chunked}
	 * (close-delimited for an HTTP/1.0 client), and the connection closed after it, so
	 * that nothing else is ever read or written on it. The head leaves at once.
	 * @param status the status
	 * @param responseHeaders the headers
	 * @return the body, to write pieces to and then {@link ChunkedBody#finish() finish}
	 * or {@link #drop() drop}
	 * @throws IOException if the client is gone
	 */
	ChunkedBody sendChunked(int status, Map<String, String> responseHeaders) throws IOException {
		this.completed = true;
		this.keepAlive = false;
		this.output.write(head(status, responseHeaders, -1));
		this.output.flush();
		return new ChunkedBody(this.output, !this.http10);
	}

	/**
	 * Return the connection, for a stream that watches for the client going away.
	 * @return the socket
	 */
	Socket socket() {
		return this.socket;
	}

	/**
	 * Close the connection without (or without finishing) an answer.
	 */
	void drop() {
		this.completed = true;
		this.keepAlive = false;
		LoopbackHttpServer.closeQuietly(this.socket);
	}

	private boolean isBodyless(int status) {
		return status < 200 || status == 204 || status == 304 || "HEAD".equals(this.method);
	}

	private byte[] head(int status, Map<String, String> responseHeaders, long contentLength) {
		StringBuilder head = new StringBuilder(256);
		head.append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
		head.append("Date: ").append(HTTP_DATE.format(this.clock.instant())).append("\r\n");
		responseHeaders.forEach((name, value) -> {
			if (!isTransportHeader(name)) {
				head.append(name).append(": ").append(value).append("\r\n");
			}
		});
		if (contentLength < 0) {
			if (!this.http10) {
				head.append("Transfer-Encoding: chunked\r\n");
			}
		}
		else if (status >= 200 && status != 204) {
			head.append("Content-Length: ").append(contentLength).append("\r\n");
		}
		if (!this.keepAlive) {
			head.append("Connection: close\r\n");
		}
		else if (this.http10) {
			head.append("Connection: keep-alive\r\n");
		}
		head.append("\r\n");
		return head.toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	private static boolean isTransportHeader(String name) {
		return name.equalsIgnoreCase("Date") || name.equalsIgnoreCase("Content-Length")
				|| name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Transfer-Encoding");
	}

	/**
	 * Answer a request that could not be read, then close the connection.
	 * @param socket the connection
	 * @param output its output
	 * @param clock the clock of the {@code Date} header
	 * @param status the status
	 * @param message the plain-text body
	 */
	static void answerAndClose(Socket socket, OutputStream output, Clock clock, int status, @Nullable String message) {
		HttpExchange exchange = new HttpExchange(socket, output, clock, "GET", "/", Map.of(), new byte[0], false,
				false);
		try {
			exchange.send(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
					String.valueOf(message).getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			// the client is gone already
		}
		finally {
			exchange.drop();
		}
	}

	static String reasonPhrase(int status) {
		return switch (status) {
			case 100 -> "Continue";
			case 200 -> "OK";
			case 201 -> "Created";
			case 204 -> "No Content";
			case 304 -> "Not Modified";
			case 400 -> "Bad Request";
			case 401 -> "Unauthorized";
			case 402 -> "Payment Required";
			case 403 -> "Forbidden";
			case 404 -> "Not Found";
			case 405 -> "Method Not Allowed";
			case 408 -> "Request Timeout";
			case 409 -> "Conflict";
			case 413 -> "Content Too Large";
			case 414 -> "URI Too Long";
			case 415 -> "Unsupported Media Type";
			case 422 -> "Unprocessable Content";
			case 429 -> "Too Many Requests";
			case 431 -> "Request Header Fields Too Large";
			case 500 -> "Internal Server Error";
			case 501 -> "Not Implemented";
			case 502 -> "Bad Gateway";
			case 503 -> "Service Unavailable";
			case 504 -> "Gateway Timeout";
			default -> (status < 400) ? "OK" : (status < 500) ? "Client Error" : "Server Error";
		};
	}

	@Override
	public String toString() {
		return this.method + " " + this.target;
	}

	/**
	 * Writes a streamed body.
	 */
	@FunctionalInterface
	interface BodyWriter {

		void write(OutputStream output) throws IOException;

	}

	/**
	 * A body written in pieces as they are produced, each piece flushed at once.
	 */
	static final class ChunkedBody {

		private static final byte[] CRLF = { '\r', '\n' };

		private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

		private final OutputStream output;

		private final boolean chunked;

		ChunkedBody(OutputStream output, boolean chunked) {
			this.output = output;
			this.chunked = chunked;
		}

		/**
		 * Write a piece of the body and flush it.
		 * @param piece the bytes, not empty (an empty chunk would end the body)
		 * @throws IOException if the client is gone
		 */
		void write(byte[] piece) throws IOException {
			if (piece.length == 0) {
				return;
			}
			if (this.chunked) {
				// one write per piece, so that a reader never waits for the rest of it
				ByteArrayOutputStream chunk = new ByteArrayOutputStream(piece.length + 16);
				chunk.writeBytes(Integer.toHexString(piece.length).getBytes(StandardCharsets.US_ASCII));
				chunk.writeBytes(CRLF);
				chunk.writeBytes(piece);
				chunk.writeBytes(CRLF);
				chunk.writeTo(this.output);
			}
			else {
				this.output.write(piece);
			}
			this.output.flush();
		}

		/**
		 * End the body properly: the last chunk, after which the connection is closed.
		 * @throws IOException if the client is gone
		 */
		void finish() throws IOException {
			if (this.chunked) {
				this.output.write(LAST_CHUNK);
				this.output.flush();
			}
		}

	}

	/**
	 * Counts body bytes and refuses more than announced, which would corrupt the next
	 * answer on the connection.
	 */
	private static final class CountingOutputStream extends FilterOutputStream {

		private final long limit;

		private long count;

		CountingOutputStream(OutputStream output, long limit) {
			super(output);
			this.limit = limit;
		}

		long count() {
			return this.count;
		}

		@Override
		public void write(int b) throws IOException {
			count(1);
			this.out.write(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			count(length);
			this.out.write(bytes, offset, length);
		}

		private void count(int length) throws IOException {
			this.count += length;
			if (this.count > this.limit) {
				throw new IOException("Body longer than its Content-Length " + this.limit);
			}
		}

		@Override
		public void close() {
			// the connection outlives the answer
		}

	}

}
