package io.github.infisicalawsauth.autoconfigure.push;

import io.github.infisicalawsauth.InfisicalException;

/**
 * Thrown at startup when {@code infisical.secrets.events.enabled=true} and Infisical
 * refused an event subscription.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalEventSubscriptionException extends InfisicalException {

	private final String projectId;

	InfisicalEventSubscriptionException(String projectId, InfisicalException reason) {
		super("Infisical refused the event subscription of project '" + projectId
				+ "', which infisical.secrets.events.enabled=true requires: " + reason.getMessage(), reason);
		this.projectId = projectId;
	}

	String getProjectId() {
		return this.projectId;
	}

}
