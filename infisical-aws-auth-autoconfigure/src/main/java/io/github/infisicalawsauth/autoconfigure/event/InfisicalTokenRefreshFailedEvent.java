package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Instant;

import io.github.infisicalawsauth.InfisicalLoginException;
import org.jspecify.annotations.Nullable;

/**
 * Published when a login or refresh failed. Transient failures, and any failure while the
 * held token is still valid, are tried again with backoff; meanwhile the held token, if
 * still valid, keeps being served.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalTokenRefreshFailedEvent extends InfisicalEvent {

	private final InfisicalLoginException failure;

	private final int failuresInARow;

	private final @Nullable Instant keepingUntil;

	/**
	 * Create a new event.
	 * @param source what published the event
	 * @param failure the failure, whose message holds no secret
	 * @param failuresInARow how many attempts failed in a row
	 * @param keepingUntil until when the held token is still served, or {@code null} if
	 * no valid token is held
	 */
	public InfisicalTokenRefreshFailedEvent(Object source, InfisicalLoginException failure, int failuresInARow,
			@Nullable Instant keepingUntil) {
		super(source);
		this.failure = failure;
		this.failuresInARow = failuresInARow;
		this.keepingUntil = keepingUntil;
	}

	/**
	 * Return the failure.
	 * @return the exception, with the server's message and request id when it answered
	 */
	public InfisicalLoginException getFailure() {
		return this.failure;
	}

	/**
	 * Return why the attempt failed.
	 * @return the reason
	 */
	public InfisicalLoginException.Reason getReason() {
		return this.failure.getReason();
	}

	/**
	 * Return whether the failure is transient, so that trying again may succeed.
	 * @return {@code true} if transient
	 */
	public boolean isTransient() {
		return this.failure.isTransient();
	}

	/**
	 * Return how many attempts failed in a row.
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

	@Override
	public String toString() {
		return "InfisicalTokenRefreshFailedEvent[reason=" + getReason() + ", failuresInARow=" + this.failuresInARow
				+ ", keepingUntil=" + this.keepingUntil + "]";
	}

}
