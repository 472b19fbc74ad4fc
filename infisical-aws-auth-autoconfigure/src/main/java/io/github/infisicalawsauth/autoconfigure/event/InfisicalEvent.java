package io.github.infisicalawsauth.autoconfigure.event;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the application events of the Infisical starter. No event carries a token
 * or a secret value.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public abstract class InfisicalEvent extends ApplicationEvent {

	/**
	 * Create a new event.
	 * @param source what published the event
	 */
	protected InfisicalEvent(Object source) {
		super(source);
	}

}
