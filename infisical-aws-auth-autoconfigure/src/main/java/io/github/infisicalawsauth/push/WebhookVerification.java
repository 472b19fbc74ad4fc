package io.github.infisicalawsauth.push;

import org.jspecify.annotations.Nullable;

/**
 * What {@link WebhookVerifier} made of a notice: accepted (a verified notice about
 * changed secrets), ignored (verified, but about something else) or refused, with a
 * reason that can be logged: it names the check that failed and never holds the key, the
 * signature or the body.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class WebhookVerification {

	private final Outcome outcome;

	private final String reason;

	private final @Nullable WebhookPayload payload;

	private WebhookVerification(Outcome outcome, String reason, @Nullable WebhookPayload payload) {
		this.outcome = outcome;
		this.reason = reason;
		this.payload = payload;
	}

	static WebhookVerification accepted(WebhookPayload payload) {
		return new WebhookVerification(Outcome.ACCEPTED, "verified", payload);
	}

	static WebhookVerification ignored(WebhookPayload payload, String reason) {
		return new WebhookVerification(Outcome.IGNORED, reason, payload);
	}

	static WebhookVerification refused(String reason) {
		return new WebhookVerification(Outcome.REFUSED, reason, null);
	}

	/**
	 * Return the outcome.
	 * @return the outcome
	 */
	public Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Return why the notice was ignored or refused.
	 * @return the reason, safe to log
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return the verified payload.
	 * @return the payload, or {@code null} when the notice was refused
	 */
	public @Nullable WebhookPayload getPayload() {
		return this.payload;
	}

	@Override
	public String toString() {
		return "WebhookVerification[" + this.outcome + ", " + this.reason + ", " + this.payload + "]";
	}

	/**
	 * The outcome of a verification.
	 */
	public enum Outcome {

		/**
		 * A verified notice that secrets changed: read the location again.
		 */
		ACCEPTED,

		/**
		 * A verified notice of another event, or one that names no project or
		 * environment: nothing to read.
		 */
		IGNORED,

		/**
		 * Not signed with the key, stale, or seen before: nothing to read.
		 */
		REFUSED

	}

}
