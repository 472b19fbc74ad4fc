package io.github.infisicalawsauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP {@code CONNECT} proxy on loopback, as a corporate proxy tunnels HTTPS: it
 * answers {@code 200 Connection Established} and then relays bytes both ways, and records
 * the targets it was asked for.
 *
 * @author Infisical AWS Auth contributors
 */
public final class TestConnectProxy implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final ExecutorService executor = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "test-connect-proxy");
		thread.setDaemon(true);
		return thread;
	});

	private final List<String> targets = new CopyOnWriteArrayList<>();

	private TestConnectProxy() throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.executor.execute(this::accept);
	}

	/**
	 * Start a proxy on a free loopback port.
	 * @return the proxy
	 * @throws IOException if it cannot listen
	 */
	public static TestConnectProxy start() throws IOException {
		return new TestConnectProxy();
	}

	/**
	 * Return the port the proxy listens on.
	 * @return the port
	 */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Return the address of the proxy.
	 * @return the address
	 */
	public InetSocketAddress address() {
		return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
	}

	/**
	 * Return the {@code host:port} targets of the tunnels asked for, in order.
	 * @return the targets
	 */
	public List<String> targets() {
		return List.copyOf(this.targets);
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket client = this.serverSocket.accept();
				this.executor.execute(() -> tunnel(client));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void tunnel(Socket client) {
		try (client) {
			InputStream in = client.getInputStream();
			String head = readHead(in);
			String[] requestLine = head.split("\r\n", 2)[0].split(" ");
			OutputStream out = client.getOutputStream();
			if (requestLine.length < 2 || !requestLine[0].equals("CONNECT")) {
				out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
				return;
			}
			String target = requestLine[1];
			this.targets.add(target);
			int colon = target.lastIndexOf(':');
			try (Socket upstream = new Socket(target.substring(0, colon),
					Integer.parseInt(target.substring(colon + 1)))) {
				out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				this.executor.execute(() -> relay(upstream, client));
				relay(client, upstream);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the client or the server went away
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	private static void relay(Socket from, Socket to) {
		try {
			from.getInputStream().transferTo(to.getOutputStream());
			to.shutdownOutput();
		}
		catch (IOException ex) {
			// one side closed
		}
	}

	@Override
	public void close() throws IOException {
		this.serverSocket.close();
		this.executor.shutdownNow();
	}

}
