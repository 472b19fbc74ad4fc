package io.github.infisicalawsauth.test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

import org.jspecify.annotations.Nullable;

import io.github.infisicalawsauth.test.SecretStore.SecretChange;

/**
 * Sends the webhooks of a test server after secrets changed: a change at a folder that a
 * webhook matches schedules one delivery for that folder after the delay, which later
 * changes at the same folder join; the delivery POSTs a notice to every webhook that
 * matches the folder then. Threads and the HTTP client are created on first use, so a
 * server without webhooks has none.
 *
 * @author Infisical AWS Auth contributors
 */
final class WebhookSender implements Consumer<SecretChange> {

	private static final Logger logger = Logger.getLogger(InfisicalTestServer.class.getName());

	static final Duration TIMEOUT = Duration.ofSeconds(15);

	private final SecretStore store;

	private final Duration delay;

	private final Executor executor;

	private final Set<Location> pending = ConcurrentHashMap.newKeySet();

	private @Nullable ScheduledExecutorService scheduler;

	private @Nullable HttpClient client;

	private boolean closed;

	/**
	 * Create a sender.
	 * @param store the store, whose changes it listens to and whose environments hold the
	 * webhooks
	 * @param delay how long to wait after a change before sending
	 * @param executor the daemon threads of the server, for the HTTP client
	 */
	WebhookSender(SecretStore store, Duration delay, Executor executor) {
		this.store = store;
		this.delay = delay;
		this.executor = executor;
	}

	/**
	 * Schedule a delivery for the changed folder, unless one is pending. Called with the
	 * store's monitor held.
	 */
	@Override
	public void accept(SecretChange change) {
		EnvironmentSpec environment = this.store.findEnvironment(change.projectId(), change.environment());
		if (environment == null || matching(environment, change.secretPath()).isEmpty()) {
			return;
		}
		Location location = new Location(change.projectId(), change.environment(), change.secretPath());
		if (this.pending.add(location)) {
			try {
				scheduler().schedule(() -> {
					this.pending.remove(location);
					send(location);
				}, this.delay.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// the server is closed
				this.pending.remove(location);
			}
		}
	}

	/**
	 * Send a notice about a folder to every webhook that matches it, now, and wait for
	 * the deliveries to end.
	 * @param location the folder
	 * @return the number of webhooks notified
	 */
	int sendNow(Location location) {
		List<CompletableFuture<Void>> deliveries = send(location);
		CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new)).join();
		return deliveries.size();
	}

	synchronized void close() {
		this.closed = true;
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

	private List<CompletableFuture<Void>> send(Location location) {
		List<Webhook> webhooks;
		synchronized (this.store) {
			EnvironmentSpec environment = this.store.findEnvironment(location.projectId(), location.environment());
			webhooks = (environment != null) ? matching(environment, location.secretPath()) : List.of();
		}
		List<CompletableFuture<Void>> deliveries = new ArrayList<>();
		for (Webhook webhook : webhooks) {
			deliveries.add(deliver(webhook, webhook.notice(location.secretPath())));
		}
		return deliveries;
	}

	private CompletableFuture<Void> deliver(Webhook webhook, WebhookNotice notice) {
		HttpRequest.Builder request = HttpRequest.newBuilder(webhook.url())
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(notice.body()));
		if (notice.signatureHeader() != null) {
			request.header(WebhookNotice.SIGNATURE_HEADER, notice.signatureHeader());
		}
		HttpClient client;
		try {
			client = client();
		}
		catch (IllegalStateException ex) {
			return CompletableFuture.completedFuture(null);
		}
		return client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				String error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
				logger.fine(() -> "Webhook " + webhook + " failed: " + error);
				webhook.failed(notice, error);
			}
			else {
				logger.fine(() -> "Webhook " + webhook + " -> " + response.statusCode());
				webhook.delivered(notice, response.statusCode());
			}
			return null;
		});
	}

	private static List<Webhook> matching(EnvironmentSpec environment, String secretPath) {
		List<Webhook> matching = new ArrayList<>();
		for (Webhook webhook : environment.webhooks()) {
			if (webhook.matches(secretPath)) {
				matching.add(webhook);
			}
		}
		return matching;
	}

	private synchronized ScheduledExecutorService scheduler() {
		if (this.closed) {
			throw new RejectedExecutionException("Server is closed");
		}
		if (this.scheduler == null) {
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "infisical-test-server-webhooks");
				thread.setDaemon(true);
				return thread;
			});
			scheduler.setRemoveOnCancelPolicy(true);
			this.scheduler = scheduler;
		}
		return this.scheduler;
	}

	private synchronized HttpClient client() {
		if (this.closed) {
			throw new IllegalStateException("Server is closed");
		}
		if (this.client == null) {
			// HTTP/1.1 as Infisical's axios speaks it, without an h2c upgrade
			this.client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(TIMEOUT)
				.executor(this.executor)
				.build();
		}
		return this.client;
	}

	/**
	 * A folder that changed.
	 *
	 * @param projectId the project id
	 * @param environment the environment slug
	 * @param secretPath the folder path
	 */
	record Location(String projectId, String environment, String secretPath) {

	}

}
