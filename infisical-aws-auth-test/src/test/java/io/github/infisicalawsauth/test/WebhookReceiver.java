package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/**
 * The receiving end of webhooks in tests: a loopback HTTP server that records every
 * request it gets and answers with a chosen status.
 *
 * @author Infisical AWS Auth contributors
 */
final class WebhookReceiver implements AutoCloseable {

	private final HttpServer server;

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private volatile int status = 200;

	WebhookReceiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/", (exchange) -> {
			try (exchange) {
				byte[] body = exchange.getRequestBody().readAllBytes();
				Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
				headers.putAll(exchange.getRequestHeaders());
				this.received
					.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
				exchange.sendResponseHeaders(this.status, -1);
			}
		});
		this.server.start();
	}

	URI url(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

	void answerWith(int status) {
		this.status = status;
	}

	/**
	 * Wait for the next request.
	 * @return the request
	 * @throws AssertionError if none arrives within 5 seconds
	 */
	Received next() {
		try {
			Received next = this.received.poll(5, TimeUnit.SECONDS);
			if (next == null) {
				throw new AssertionError("No webhook received within 5 seconds");
			}
			return next;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return how many received requests were not taken by {@link #next()} yet.
	 * @return the number of waiting requests
	 */
	int waiting() {
		return this.received.size();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * A request received.
	 */
	record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {

		String header(String name) {
			List<String> values = this.headers.get(name);
			return (values != null) ? values.get(0) : null;
		}

	}

}
