package io.github.infisicalawsauth.autoconfigure.push;

import io.github.infisicalawsauth.push.WebhookPayload;

/**
 * Passes a verified webhook notice on to the other instances of the application.
 *
 * @author Infisical AWS Auth contributors
 */
@FunctionalInterface
interface WebhookForwarder {

	/**
	 * Pass a notice on; returns at once.
	 * @param body the exact body received
	 * @param signature the signature header received
	 * @param payload what the body says
	 */
	void forward(byte[] body, String signature, WebhookPayload payload);

}
