package io.github.infisicalawsauth.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Reads the requests of one HTTP/1.1 connection: request line, headers, and a body
 * delimited by {@code Content-Length} or {@code Transfer-Encoding: chunked}. Requests to
 * switch protocols ({@code Upgrade: h2c}, sent by the JDK {@code HttpClient} for
 * {@code http://}) are ignored, which the HTTP specification allows: the client then goes
 * on with HTTP/1.1.
 *
 * @author Infisical AWS Auth contributors
 */
final class HttpConnection {

	private static final int MAX_LINE_LENGTH = 16 * 1024;

	private static final int MAX_HEADER_COUNT = 200;

	private static final int MAX_BODY_LENGTH = 16 * 1024 * 1024;

	private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private final Socket socket;

	private final InputStream input;

	private final OutputStream output;

	private final Clock clock;

	private final int idleTimeoutMillis;

	HttpConnection(Socket socket, Clock clock, int idleTimeoutMillis) throws IOException {
		this.socket = socket;
		this.input = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
		this.output = socket.getOutputStream();
		this.clock = clock;
		this.idleTimeoutMillis = idleTimeoutMillis;
	}

	/**
	 * Read the next request.
	 * @return the exchange, or {@code null} when the client closed the connection, stayed
	 * idle too long or sent a request that could not be read (which has been answered)
	 * @throws IOException if the connection failed
	 */
	@Nullable HttpExchange next() throws IOException {
		// the timeout also bounds a client that stalls in the middle of a request
		this.socket.setSoTimeout(this.idleTimeoutMillis);
		String requestLine;
		try {
			requestLine = readRequestLine();
		}
		catch (SocketTimeoutException ex) {
			return null;
		}
		if (requestLine == null) {
			return null;
		}
		try {
			return read(requestLine);
		}
		catch (BadRequestException ex) {
			HttpExchange.answerAndClose(this.socket, this.output, this.clock, ex.status, ex.getMessage());
			return null;
		}
	}

	private HttpExchange read(String requestLine) throws IOException, BadRequestException {
		String[] parts = requestLine.split(" ", -1);
		if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
			throw new BadRequestException(400, "Malformed request line");
		}
		String method = parts[0];
		String target = parts[1];
		boolean http10 = parts[2].equals("HTTP/1.0");
		Map<String, List<String>> headers = readHeaders();
		List<String> connection = tokens(headers.get("Connection"));
		boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
		byte[] body = readBody(headers, http10);
		return new HttpExchange(this.socket, this.output, this.clock, method, target, headers, body, keepAlive, http10);
	}

	private @Nullable String readRequestLine() throws IOException, SocketTimeoutException {
		try {
			String line;
			do {
				// a client may send an empty line before the request line (RFC 9112
				// 2.2)
				line = readLine(true);
			}
			while (line != null && line.isEmpty());
			return line;
		}
		catch (BadRequestException ex) {
			HttpExchange.answerAndClose(this.socket, this.output, this.clock, ex.status, ex.getMessage());
			return null;
		}
	}

	private Map<String, List<String>> readHeaders() throws IOException, BadRequestException {
		Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		int count = 0;
		String line;
		while (!(line = requireLine()).isEmpty()) {
			if (++count > MAX_HEADER_COUNT) {
				throw new BadRequestException(431, "Too many headers");
			}
			int colon = line.indexOf(':');
			if (colon <= 0 || Character.isWhitespace(line.charAt(0))
					|| Character.isWhitespace(line.charAt(colon - 1))) {
				throw new BadRequestException(400, "Malformed header");
			}
			String name = line.substring(0, colon);
			String value = line.substring(colon + 1).trim();
			headers.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
		}
		return headers;
	}

	private byte[] readBody(Map<String, List<String>> headers, boolean http10) throws IOException, BadRequestException {
		List<String> transferEncoding = tokens(headers.get("Transfer-Encoding"));
		if (!transferEncoding.isEmpty()) {
			if (!transferEncoding.get(transferEncoding.size() - 1).equals("chunked")) {
				throw new BadRequestException(400, "Unsupported Transfer-Encoding");
			}
			sendContinueIfExpected(headers, http10);
			return readChunked();
		}
		List<String> contentLengths = headers.get("Content-Length");
		if (contentLengths == null) {
			return new byte[0];
		}
		long length = contentLength(contentLengths);
		if (length > MAX_BODY_LENGTH) {
			throw new BadRequestException(413, "Request body too large");
		}
		if (length > 0) {
			sendContinueIfExpected(headers, http10);
		}
		return this.input.readNBytes((int) length);
	}

	private static long contentLength(List<String> values) throws BadRequestException {
		long length = -1;
		for (String value : values) {
			for (String token : value.split(",")) {
				String trimmed = token.trim();
				if (trimmed.isEmpty() || trimmed.length() > 18 || !trimmed.chars().allMatch(Character::isDigit)) {
					throw new BadRequestException(400, "Malformed Content-Length");
				}
				long parsed = Long.parseLong(trimmed);
				if (length >= 0 && parsed != length) {
					throw new BadRequestException(400, "Conflicting Content-Length");
				}
				length = parsed;
			}
		}
		return Math.max(length, 0);
	}

	private byte[] readChunked() throws IOException, BadRequestException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = requireLine();
			int extension = sizeLine.indexOf(';');
			String hex = ((extension >= 0) ? sizeLine.substring(0, extension) : sizeLine).trim();
			int size;
			try {
				size = Integer.parseInt(hex, 16);
			}
			catch (NumberFormatException ex) {
				throw new BadRequestException(400, "Malformed chunk size");
			}
			if (size < 0 || body.size() + (long) size > MAX_BODY_LENGTH) {
				throw new BadRequestException(413, "Request body too large");
			}
			if (size == 0) {
				// trailer fields carry nothing the routes need
				while (!requireLine().isEmpty()) {
				}
				return body.toByteArray();
			}
			byte[] chunk = this.input.readNBytes(size);
			if (chunk.length < size) {
				throw new EOFException("Connection closed inside a chunk");
			}
			body.write(chunk);
			if (!requireLine().isEmpty()) {
				throw new BadRequestException(400, "Malformed chunk");
			}
		}
	}

	private void sendContinueIfExpected(Map<String, List<String>> headers, boolean http10) throws IOException {
		// clients that ask (the AWS SDK's Apache client does) would otherwise wait
		// seconds
		if (!http10 && tokens(headers.get("Expect")).contains("100-continue")) {
			this.output.write(CONTINUE);
			this.output.flush();
		}
	}

	private String requireLine() throws IOException, BadRequestException {
		String line = readLine(false);
		if (line == null) {
			throw new EOFException("Connection closed inside a request");
		}
		return line;
	}

	/**
	 * Read a line ended by CRLF (or a bare LF) as ISO-8859-1, the way HTTP fields are
	 * defined.
	 * @param atStart whether the line starts a request, where end of stream is normal
	 * @return the line without its end, or {@code null} at the end of the stream
	 */
	private @Nullable String readLine(boolean atStart) throws IOException, BadRequestException {
		StringBuilder line = new StringBuilder();
		int read;
		while ((read = this.input.read()) != -1) {
			if (read == '\n') {
				int length = line.length();
				if (length > 0 && line.charAt(length - 1) == '\r') {
					line.setLength(length - 1);
				}
				return line.toString();
			}
			if (line.length() >= MAX_LINE_LENGTH) {
				throw new BadRequestException(atStart ? 414 : 431, "Line too long");
			}
			line.append((char) read);
		}
		if (atStart && line.length() == 0) {
			return null;
		}
		throw new EOFException("Connection closed inside a line");
	}

	private static List<String> tokens(@Nullable List<String> values) {
		List<String> tokens = new ArrayList<>();
		if (values != null) {
			for (String value : values) {
				for (String token : value.split(",")) {
					String trimmed = token.trim();
					if (!trimmed.isEmpty()) {
						tokens.add(trimmed.toLowerCase(Locale.ROOT));
					}
				}
			}
		}
		return tokens;
	}

	/**
	 * A request that cannot be read: answered with the status, then the connection is
	 * closed because the rest of the stream cannot be trusted.
	 */
	private static final class BadRequestException extends Exception {

		private final int status;

		BadRequestException(int status, String message) {
			super(message, null, false, false);
			this.status = status;
		}

	}

}
