package io.github.infisicalawsauth.token;

import java.time.Instant;

import io.github.infisicalawsauth.InfisicalException;
import org.jspecify.annotations.Nullable;

/**
 * Hears what happens to the token that a {@link LifecycleAwareTokenProvider} holds. It
 * never gets the token itself. Called on the provider's threads: keep it quick, and do
 * not call back into the provider.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 * @see LifecycleAwareTokenProvider#addListener(TokenLifecycleListener)
 */
public interface TokenLifecycleListener {

	/**
	 * A login that a caller waited for (at start-up, or with no valid token held) gave a
	 * new token.
	 * @param expiresAt when the new token expires, {@link Instant#MAX} if never
	 */
	default void loggedIn(Instant expiresAt) {
	}

	/**
	 * A background refresh replaced the token before it expired.
	 * @param expiresAt when the new token expires, {@link Instant#MAX} if never
	 * @param renewed {@code true} if the token was renewed, {@code false} if the provider
	 * logged in again
	 */
	default void refreshed(Instant expiresAt, boolean renewed) {
	}

	/**
	 * A background refresh, or a login at start-up without fail-fast, failed; it is tried
	 * again with backoff.
	 * @param failure the failure, whose message holds no secret
	 * @param failuresInARow how many refreshes failed in a row
	 * @param keepingUntil until when the held token is still served, or {@code null} if
	 * no valid token is held
	 */
	default void refreshFailed(InfisicalException failure, int failuresInARow, @Nullable Instant keepingUntil) {
	}

	/**
	 * Infisical rejected the held token; the next request logs in again.
	 */
	default void tokenRejected() {
	}

}
