package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Instant;

/**
 * Published when a login that the application waited for gave a token: at startup, or
 * when no valid token was held. A login made while the configuration loaded
 * ({@code spring.config.import=infisical:}) is published once the context starts.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalLoggedInEvent extends InfisicalEvent {

	private final Instant expiresAt;

	/**
	 * Create a new event.
	 * @param source what published the event
	 * @param expiresAt when the token expires
	 */
	public InfisicalLoggedInEvent(Object source, Instant expiresAt) {
		super(source);
		this.expiresAt = expiresAt;
	}

	/**
	 * Return when the token expires.
	 * @return the expiry, {@link Instant#MAX} if never
	 */
	public Instant getExpiresAt() {
		return this.expiresAt;
	}

}
