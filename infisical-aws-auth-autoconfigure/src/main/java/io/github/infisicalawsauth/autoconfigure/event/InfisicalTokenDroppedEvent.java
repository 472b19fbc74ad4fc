package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Instant;

/**
 * Published when the held token was dropped shortly before it expired because it could
 * not be refreshed: until a login succeeds, callers wait for it (at most
 * {@code infisical.token.max-wait}) and then fail.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalTokenDroppedEvent extends InfisicalEvent {

	private final Instant expiresAt;

	/**
	 * Create a new event.
	 * @param source what published the event
	 * @param expiresAt when the dropped token expires
	 */
	public InfisicalTokenDroppedEvent(Object source, Instant expiresAt) {
		super(source);
		this.expiresAt = expiresAt;
	}

	/**
	 * Return when the dropped token expires.
	 * @return the expiry
	 */
	public Instant getExpiresAt() {
		return this.expiresAt;
	}

}
