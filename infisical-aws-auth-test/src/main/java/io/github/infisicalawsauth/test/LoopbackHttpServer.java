package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * A small HTTP/1.1 server bound to the loopback address: one thread per connection,
 * keep-alive, and a {@code Date} header from the given {@link Clock}. The JDK's
 * {@code com.sun.net.httpserver} takes the date from the system clock and writes headers
 * and body in separate small writes, which Nagle's algorithm and delayed ACKs turn into a
 * 40 ms wait per answer; this server writes both at once with {@code TCP_NODELAY}.
 *
 * @author Infisical AWS Auth contributors
 * @see HttpExchange
 */
final class LoopbackHttpServer {

	private static final Logger logger = Logger.getLogger(InfisicalTestServer.class.getName());

	private static final int BACKLOG = 200;

	private final ServerSocket serverSocket;

	private final ExecutorService executor;

	private final Handler handler;

	private final Clock clock;

	private final int idleTimeoutMillis;

	private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

	private final CountDownLatch acceptLoopEnded = new CountDownLatch(1);

	private boolean stopped;

	private LoopbackHttpServer(ServerSocket serverSocket, ExecutorService executor, Handler handler, Clock clock,
			Duration idleTimeout) {
		this.serverSocket = serverSocket;
		this.executor = executor;
		this.handler = handler;
		this.clock = clock;
		this.idleTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, idleTimeout.toMillis()));
	}

	/**
	 * Bind to {@code 127.0.0.1} and start accepting connections.
	 * @param port the port, {@code 0} for a free one
	 * @param sslContext the TLS context for HTTPS, or {@code null} for plain HTTP
	 * @param executor the daemon threads that accept and serve connections
	 * @param handler the handler of every request
	 * @param clock the clock of the {@code Date} header
	 * @param idleTimeout how long a connection may wait for its next request
	 * @return the running server
	 */
	static LoopbackHttpServer start(int port, @Nullable SSLContext sslContext, ExecutorService executor,
			Handler handler, Clock clock, Duration idleTimeout) {
		ServerSocket serverSocket = null;
		try {
			serverSocket = (sslContext != null) ? sslContext.getServerSocketFactory().createServerSocket()
					: new ServerSocket();
			// restart() binds the same port while closed connections linger in
			// TIME_WAIT
			serverSocket.setReuseAddress(true);
			serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
			LoopbackHttpServer server = new LoopbackHttpServer(serverSocket, executor, handler, clock, idleTimeout);
			executor.execute(server::accept);
			return server;
		}
		catch (IOException ex) {
			closeQuietly(serverSocket);
			throw new UncheckedIOException("Cannot start the Infisical test server on port " + port, ex);
		}
	}

	int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Stop accepting connections and close the open ones, as a server that goes down
	 * does. Requests in progress fail when they next read or write.
	 */
	void stop() {
		List<Socket> open;
		synchronized (this) {
			this.stopped = true;
			open = new ArrayList<>(this.connections);
			this.connections.clear();
		}
		closeQuietly(this.serverSocket);
		open.forEach(LoopbackHttpServer::closeQuietly);
		awaitAcceptLoopEnd();
	}

	private void awaitAcceptLoopEnd() {
		// The JDK closes a listening socket only when the thread blocked in accept()
		// has left it: until then binding the port again (restart()) fails
		try {
			if (!this.acceptLoopEnded.await(10, TimeUnit.SECONDS)) {
				logger.warning("The accept loop did not end within 10 seconds");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void accept() {
		try {
			acceptConnections();
		}
		finally {
			this.acceptLoopEnded.countDown();
		}
	}

	private void acceptConnections() {
		while (!this.serverSocket.isClosed()) {
			Socket socket;
			try {
				socket = this.serverSocket.accept();
			}
			catch (IOException ex) {
				if (!this.serverSocket.isClosed()) {
					logger.log(Level.FINE, "Accept failed", ex);
					pauseAfterFailedAccept();
				}
				continue;
			}
			if (!register(socket)) {
				closeQuietly(socket);
				return;
			}
			try {
				this.executor.execute(() -> serve(socket));
			}
			catch (RejectedExecutionException ex) {
				// the server was closed
				unregister(socket);
				return;
			}
		}
	}

	private void pauseAfterFailedAccept() {
		// a failure that repeats (out of file descriptors) must not spin a core
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			closeQuietly(this.serverSocket);
		}
	}

	private synchronized boolean register(Socket socket) {
		if (this.stopped) {
			return false;
		}
		this.connections.add(socket);
		return true;
	}

	private void unregister(Socket socket) {
		this.connections.remove(socket);
		closeQuietly(socket);
	}

	private void serve(Socket socket) {
		try {
			// answers are written in one piece: nothing is gained by waiting to
			// coalesce
			socket.setTcpNoDelay(true);
			HttpConnection connection = new HttpConnection(socket, this.clock, this.idleTimeoutMillis);
			HttpExchange exchange;
			while ((exchange = connection.next()) != null) {
				this.handler.handle(exchange);
				if (!exchange.completed()) {
					// a handler that neither answered nor dropped: do not leave the
					// client waiting
					exchange.drop();
				}
				if (!exchange.keepAlive()) {
					break;
				}
			}
		}
		catch (SocketException ex) {
			// closed by the client, by stop() or by a dropped connection fault
			logger.log(Level.FINEST, "Connection closed", ex);
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.FINE, "Connection failed", ex);
		}
		finally {
			unregister(socket);
		}
	}

	static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// nothing to do: the peer is gone either way
			}
		}
	}

	/**
	 * Handles one request: must answer or drop the connection.
	 */
	@FunctionalInterface
	interface Handler {

		void handle(HttpExchange exchange) throws IOException;

	}

}
