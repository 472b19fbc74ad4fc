package io.github.infisicalawsauth.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import io.github.infisicalawsauth.InfisicalLoginException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Logs what happens to a provider's token and delivers it to the
 * {@link TokenLifecycleListener}s, in order, on an executor of their own: the provider
 * never calls a listener with its state held or on the thread that refreshes, so a
 * listener that blocks cannot hold up the next refresh.
 *
 * @author Infisical AWS Auth contributors
 */
final class TokenEvents implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LifecycleAwareTokenProvider.class);

	private final List<TokenLifecycleListener> listeners = new CopyOnWriteArrayList<>();

	private final @Nullable Executor executor;

	private @Nullable ExecutorService ownExecutor;

	private boolean closed;

	private volatile boolean lastLoginWaited;

	/**
	 * Create the events of one provider.
	 * @param executor where to call the listeners, or {@code null} for a thread of their
	 * own, started when a listener is first added
	 */
	TokenEvents(@Nullable Executor executor) {
		this.executor = executor;
	}

	/**
	 * Add a listener, telling it first of the login that gave the held token, if any.
	 * @param listener the listener
	 * @param held the held token, or {@code null}
	 */
	void add(TokenLifecycleListener listener, @Nullable TokenLifetime held) {
		this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
		if (held != null) {
			Instant expiresAt = held.token().expiresAt();
			boolean waited = this.lastLoginWaited;
			publishTo(listener, (added) -> added.loggedIn(expiresAt, waited));
		}
	}

	void remove(TokenLifecycleListener listener) {
		this.listeners.remove(listener);
	}

	void obtained(TokenLifetime next, boolean renewed, boolean replaced, boolean callerWaited, String site) {
		Instant expiresAt = next.token().expiresAt();
		if (renewed) {
			logger.debug("Renewed the Infisical access token; valid until " + expiresAt);
		}
		else {
			logger.info("Logged in to Infisical at " + site + "; token valid until " + expiresAt + " (TTL "
					+ next.ttl().toSeconds() + " s, max TTL " + next.maxTtl().toSeconds() + " s)");
			this.lastLoginWaited = callerWaited;
			publish((listener) -> listener.loggedIn(expiresAt, callerWaited));
		}
		if (replaced) {
			publish((listener) -> listener.refreshed(expiresAt, renewed));
		}
	}

	void failed(InfisicalLoginException failure, int failuresInARow, @Nullable Instant keepingUntil,
			@Nullable Instant nextAttempt) {
		logger.warn("Getting an Infisical access token failed (" + failuresInARow + " in a row); "
				+ ((keepingUntil != null) ? "keeping the current token until " + keepingUntil : "no valid token held")
				+ "; " + ((nextAttempt != null) ? "next attempt at " + nextAttempt
						: "not tried again until a token is asked for")
				+ ": " + failure.getDetail());
		publish((listener) -> listener.refreshFailed(failure, failuresInARow, keepingUntil));
	}

	void dropped(Instant expiresAt) {
		logger.warn("The Infisical access token expires at " + expiresAt
				+ " and could not be refreshed; the next use waits for a login");
		publish((listener) -> listener.tokenDropped(expiresAt));
	}

	void rejected() {
		logger.info("Infisical rejected the access token; logging in again on next use");
		publish(TokenLifecycleListener::tokenRejected);
	}

	/**
	 * Tell every listener, later, on the events' executor.
	 * @param event what to tell
	 */
	private void publish(Consumer<TokenLifecycleListener> event) {
		if (this.listeners.isEmpty()) {
			return;
		}
		Executor executor = executor();
		if (executor == null) {
			return;
		}
		// the listeners of now: one added later hears of the state it finds instead
		List<TokenLifecycleListener> listeners = List.copyOf(this.listeners);
		try {
			executor.execute(() -> listeners.forEach((listener) -> notify(listener, event)));
		}
		catch (RuntimeException ex) {
			// closed meanwhile: nobody listens any more
		}
	}

	private void publishTo(TokenLifecycleListener listener, Consumer<TokenLifecycleListener> event) {
		Executor executor = executor();
		if (executor != null) {
			executor.execute(() -> notify(listener, event));
		}
	}

	private static void notify(TokenLifecycleListener listener, Consumer<TokenLifecycleListener> event) {
		try {
			event.accept(listener);
		}
		catch (RuntimeException ex) {
			logger.warn("An Infisical token listener failed: " + ex);
		}
	}

	private synchronized @Nullable Executor executor() {
		if (this.executor != null) {
			return this.executor;
		}
		if (this.closed) {
			return null;
		}
		if (this.ownExecutor == null) {
			this.ownExecutor = Executors.newSingleThreadExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "infisical-token-events");
				thread.setDaemon(true);
				return thread;
			});
		}
		return this.ownExecutor;
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.ownExecutor != null) {
			// what was published is still delivered
			this.ownExecutor.shutdown();
		}
	}

}
