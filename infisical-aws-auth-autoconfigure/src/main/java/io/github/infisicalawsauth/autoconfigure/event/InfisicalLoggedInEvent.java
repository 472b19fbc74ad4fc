package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Instant;

/**
 * Published for every login that gave a token: at startup, when no valid token was held,
 * or in the background when the max TTL left no room to renew (then an
 * {@link InfisicalTokenRefreshedEvent} follows). A login made before the listeners
 * existed (at startup, or while the configuration loaded with
 * {@code spring.config.import=infisical:}) is published once the context starts.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalLoggedInEvent extends InfisicalEvent {

	private final Instant expiresAt;

	private final boolean callerWaited;

	/**
	 * Create a new event.
	 * @param source what published the event
	 * @param expiresAt when the token expires
	 * @param callerWaited whether a caller (startup, or a request without a token) waited
	 * for the login
	 */
	public InfisicalLoggedInEvent(Object source, Instant expiresAt, boolean callerWaited) {
		super(source);
		this.expiresAt = expiresAt;
		this.callerWaited = callerWaited;
	}

	/**
	 * Whether a caller waited for the login: startup, or a request while no token was
	 * held, rather than a refresh in the background.
	 * @return {@code true} if a caller waited
	 */
	public boolean isCallerWaited() {
		return this.callerWaited;
	}

	/**
	 * Return when the token expires.
	 * @return the expiry, {@link Instant#MAX} if never
	 */
	public Instant getExpiresAt() {
		return this.expiresAt;
	}

}
