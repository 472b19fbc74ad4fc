package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Instant;

/**
 * Published when the background refresh replaced the token before it expired, by renewing
 * it or by logging in again.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalTokenRefreshedEvent extends InfisicalEvent {

	private final Instant expiresAt;

	private final boolean renewed;

	/**
	 * Create a new event.
	 * @param source what published the event
	 * @param expiresAt when the new token expires
	 * @param renewed whether the token was renewed rather than obtained by a new login
	 */
	public InfisicalTokenRefreshedEvent(Object source, Instant expiresAt, boolean renewed) {
		super(source);
		this.expiresAt = expiresAt;
		this.renewed = renewed;
	}

	/**
	 * Return when the new token expires.
	 * @return the expiry, {@link Instant#MAX} if never
	 */
	public Instant getExpiresAt() {
		return this.expiresAt;
	}

	/**
	 * Whether the token was renewed rather than obtained by a new login.
	 * @return {@code true} if renewed
	 */
	public boolean isRenewed() {
		return this.renewed;
	}

}
