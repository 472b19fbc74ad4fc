package io.github.infisicalawsauth.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain socket to an {@link InfisicalTestServer}, to see what goes over the wire: how
 * an answer is split, whether the server closes the connection.
 *
 * @author Infisical AWS Auth contributors
 */
final class RawConnection implements AutoCloseable {

	private final Socket socket;

	private final InputStream input;

	private final OutputStream output;

	RawConnection(int port) {
		try {
			this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
			// a server that misbehaves fails the test instead of hanging it
			this.socket.setSoTimeout(5000);
			this.input = new BufferedInputStream(this.socket.getInputStream());
			this.output = this.socket.getOutputStream();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	RawConnection send(String text) {
		return send(text.getBytes(StandardCharsets.UTF_8));
	}

	RawConnection send(byte[] bytes) {
		try {
			this.output.write(bytes);
			this.output.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Read once from the socket, as much as has arrived.
	 * @return the bytes of one read, empty at end of stream
	 */
	byte[] readOnce() {
		try {
			byte[] buffer = new byte[64 * 1024];
			int read = this.input.read(buffer);
			return (read > 0) ? java.util.Arrays.copyOf(buffer, read) : new byte[0];
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Read one answer: status line, headers and a body of {@code Content-Length} bytes
	 * (none for a {@code 1xx} or {@code 304}, or when {@code bodyless}).
	 * @param bodyless whether the answer has no body (answer to {@code HEAD})
	 * @return the answer
	 */
	Answer readAnswer(boolean bodyless) {
		try {
			String statusLine = readLine();
			int status = Integer.parseInt(statusLine.split(" ")[1]);
			Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
			String line;
			while (!(line = readLine()).isEmpty()) {
				int colon = line.indexOf(':');
				headers.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
			byte[] body = new byte[0];
			if (!bodyless && status >= 200 && status != 304 && headers.containsKey("Content-Length")) {
				body = this.input.readNBytes(Integer.parseInt(headers.get("Content-Length")));
			}
			return new Answer(statusLine, status, headers, body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Answer readAnswer() {
		return readAnswer(false);
	}

	/**
	 * Wait for the server to close the connection.
	 * @return whether the server closed it (end of stream or reset) before the read timed
	 * out, without sending anything
	 */
	boolean closedByServer() {
		try {
			return this.input.read() == -1;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int read;
		while ((read = this.input.read()) != '\n') {
			if (read == -1) {
				throw new IOException("Connection closed by the server");
			}
			if (read != '\r') {
				line.write(read);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	InputStream input() {
		return this.input;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
	}

	/**
	 * An answer read from the wire.
	 */
	record Answer(String statusLine, int status, Map<String, String> headers, byte[] body) {

		String header(String name) {
			return this.headers.get(name);
		}

		String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

}
