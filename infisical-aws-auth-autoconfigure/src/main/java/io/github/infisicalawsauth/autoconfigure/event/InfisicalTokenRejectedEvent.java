package io.github.infisicalawsauth.autoconfigure.event;

/**
 * Published when Infisical rejected the held token (HTTP 401, or 403 {@code TokenError});
 * the next request logs in again.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalTokenRejectedEvent extends InfisicalEvent {

	/**
	 * Create a new event.
	 * @param source what published the event
	 */
	public InfisicalTokenRejectedEvent(Object source) {
		super(source);
	}

}
