package io.github.infisicalawsauth.token;

import java.time.Instant;

import io.github.infisicalawsauth.InfisicalLoginException;
import org.jspecify.annotations.Nullable;

/**
 * Hears what happens to the token that a {@link LifecycleAwareTokenProvider} holds. It
 * never gets the token itself. Calls arrive in order on the provider's event thread,
 * after the provider has released its state, so a slow listener delays neither refreshes
 * nor callers of {@link LifecycleAwareTokenProvider#getToken()}.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 * @see LifecycleAwareTokenProvider#addListener(TokenLifecycleListener)
 */
public interface TokenLifecycleListener {

	/**
	 * A login gave a new token: at startup, when no valid token was held, or in the
	 * background when the max TTL leaves no room to renew.
	 * @param expiresAt when the new token expires, {@link Instant#MAX} if never
	 * @param callerWaited whether a caller (startup, or {@code getToken()} without a
	 * token) waited for this login
	 */
	default void loggedIn(Instant expiresAt, boolean callerWaited) {
	}

	/**
	 * The held token was replaced before it expired, by a renewal or, when the max TTL
	 * leaves no room to renew, by a login (also reported to
	 * {@link #loggedIn(Instant, boolean)}).
	 * @param expiresAt when the new token expires, {@link Instant#MAX} if never
	 * @param renewed {@code true} if the token was renewed, {@code false} if the provider
	 * logged in again
	 */
	default void refreshed(Instant expiresAt, boolean renewed) {
	}

	/**
	 * A login or refresh failed; transient failures, and any failure while a valid token
	 * is held, are tried again with backoff.
	 * @param failure the failure, whose message holds no secret, with its reason
	 * @param failuresInARow how many attempts failed in a row
	 * @param keepingUntil until when the held token is still served, or {@code null} if
	 * no valid token is held
	 */
	default void refreshFailed(InfisicalLoginException failure, int failuresInARow, @Nullable Instant keepingUntil) {
	}

	/**
	 * The held token was dropped just before it expired because it could not be
	 * refreshed; the next {@code getToken()} waits for a login.
	 * @param expiresAt when the dropped token expires
	 */
	default void tokenDropped(Instant expiresAt) {
	}

	/**
	 * Infisical rejected the held token; the next {@code getToken()} logs in again.
	 */
	default void tokenRejected() {
	}

}
