package io.github.infisicalawsauth.autoconfigure.push;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an event subscription that {@code infisical.secrets.events.enabled=true}
 * requires and Infisical refused.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalEventSubscriptionFailureAnalyzer extends AbstractFailureAnalyzer<InfisicalEventSubscriptionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InfisicalEventSubscriptionException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Use an Infisical server and plan with event subscriptions, and let the machine identity subscribe to "
						+ "the events of project '" + cause.getProjectId() + "'; or set "
						+ "infisical.secrets.events.enabled=auto to fall back to polling "
						+ "(infisical.secrets.refresh-interval) where they are not available.",
				cause);
	}

}
