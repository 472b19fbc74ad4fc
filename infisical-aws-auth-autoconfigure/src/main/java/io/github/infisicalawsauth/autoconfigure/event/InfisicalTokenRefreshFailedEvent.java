package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Published when a background refresh of the token failed; it is tried again with backoff
 * while the held token, if still valid, keeps being served.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalTokenRefreshFailedEvent extends InfisicalEvent {

	private final String reason;

	private final int failuresInARow;

	private final @Nullable Instant keepingUntil;

	/**
	 * Create a new event.
	 * @param source what published the event
	 * @param reason the failure's message, holding no secret
	 * @param failuresInARow how many refreshes failed in a row
	 * @param keepingUntil until when the held token is still served, or {@code null} if
	 * no valid token is held
	 */
	public InfisicalTokenRefreshFailedEvent(Object source, String reason, int failuresInARow,
			@Nullable Instant keepingUntil) {
		super(source);
		this.reason = reason;
		this.failuresInARow = failuresInARow;
		this.keepingUntil = keepingUntil;
	}

	/**
	 * Return why the refresh failed.
	 * @return the failure's message
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return how many refreshes failed in a row.
	 * @return the count, at least 1
	 */
	public int getFailuresInARow() {
		return this.failuresInARow;
	}

	/**
	 * Return until when the held token is still served.
	 * @return the expiry of the held token, or {@code null} if no valid token is held
	 */
	public @Nullable Instant getKeepingUntil() {
		return this.keepingUntil;
	}

}
