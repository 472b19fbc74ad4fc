package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.github.infisicalawsauth.push.WebhookPayload;
import io.github.infisicalawsauth.push.WebhookVerification;
import io.github.infisicalawsauth.push.WebhookVerifier;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Receives webhook notices, from Infisical through the endpoint or from another instance
 * through Spring Cloud Bus, verifies them with one {@link WebhookVerifier} (so that a
 * notice is accepted once, whichever way it comes) and asks {@link SecretsChangeNotices}
 * to read the imports of the project and environment again. It answers at once: the read
 * runs later on the starter's own thread. Logs say which check a refused notice failed,
 * never the key, the signature or the body.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalWebhookReceiver {

	/**
	 * Channel of the notices that Infisical sends to the endpoint.
	 */
	static final String WEBHOOK = "webhook";

	/**
	 * Channel of the notices that another instance passes on.
	 */
	static final String BUS = "bus";

	/**
	 * Largest body accepted; Infisical's notices are a few hundred bytes.
	 */
	static final int MAX_BODY_SIZE = 8 * 1024;

	/**
	 * How long a read waits for more notices to join it without a bus. Infisical itself
	 * gathers the changes of about a second into one notice.
	 */
	static final Duration WEBHOOK_DELAY = Duration.ofMillis(500);

	static final int ACCEPTED = 202;

	static final int BAD_REQUEST = 400;

	static final int UNAUTHORIZED = 401;

	static final int REQUEST_TIMEOUT = 408;

	static final int PAYLOAD_TOO_LARGE = 413;

	private static final Log logger = LogFactory.getLog(InfisicalWebhookReceiver.class);

	private final WebhookVerifier verifier;

	private final SecretsChangeNotices notices;

	private final Duration spread;

	private final NoticeCounter counter;

	private final ObjectProvider<WebhookForwarder> forwarders;

	// with the bus every instance reads what a notice announces, this one too
	private volatile boolean bus;

	/**
	 * Create a receiver.
	 * @param verifier the verifier, whose memory of accepted notices the channels share
	 * @param notices where to report verified notices
	 * @param spread longest random wait before a notice is read when the bus is active
	 * @param counter what counts the notices
	 * @param forwarders who passes a notice from Infisical on to the other instances
	 */
	InfisicalWebhookReceiver(WebhookVerifier verifier, SecretsChangeNotices notices, Duration spread,
			NoticeCounter counter, ObjectProvider<WebhookForwarder> forwarders) {
		if (spread.isNegative()) {
			throw new IllegalArgumentException("'spread' must not be negative");
		}
		this.verifier = verifier;
		this.notices = notices;
		this.spread = spread;
		this.counter = counter;
		this.forwarders = forwarders;
	}

	/**
	 * Receive a notice that Infisical sent to the endpoint.
	 * @param body the exact body, at most {@link #MAX_BODY_SIZE} bytes
	 * @param signature the signature header, or {@code null} if there was none
	 * @return the HTTP status to answer: {@value #ACCEPTED} or {@value #UNAUTHORIZED}
	 */
	int receive(byte[] body, @Nullable String signature) {
		WebhookVerification verification = this.verifier.verify(body, signature);
		if (!accepted(WEBHOOK, verification)) {
			return (verification.getOutcome() == WebhookVerification.Outcome.REFUSED) ? UNAUTHORIZED : ACCEPTED;
		}
		WebhookPayload payload = verified(verification);
		// with the bus the fleet reads at once but for its spread: this instance too
		read(WEBHOOK, payload, this.bus ? randomDelay() : WEBHOOK_DELAY);
		// another application on the bus may import what this one does not
		this.forwarders.orderedStream().forEach((forwarder) -> forwarder.forward(body, notNull(signature), payload));
		return ACCEPTED;
	}

	/**
	 * Refuse a notice whose body is larger than {@link #MAX_BODY_SIZE}.
	 * @return the HTTP status to answer, {@value #PAYLOAD_TOO_LARGE}
	 */
	int refuseTooLarge() {
		refused(WEBHOOK, "its body is larger than " + MAX_BODY_SIZE + " bytes");
		return PAYLOAD_TOO_LARGE;
	}

	/**
	 * Refuse a notice whose body could not be read, as the client broke the request.
	 * @param ex what the container reported
	 * @return the HTTP status to answer, {@value #BAD_REQUEST}
	 */
	int refuseUnreadable(Throwable ex) {
		// the exception's class only: its message may quote what the client sent
		refused(WEBHOOK, "its body could not be read (" + ex.getClass().getName() + ")");
		return BAD_REQUEST;
	}

	/**
	 * Refuse a notice whose body did not arrive in time.
	 * @param timeout how long the body had
	 * @return the HTTP status to answer, {@value #REQUEST_TIMEOUT}
	 */
	int refuseTooSlow(Duration timeout) {
		refused(WEBHOOK, "its body did not arrive within " + timeout.toMillis() + " ms");
		return REQUEST_TIMEOUT;
	}

	/**
	 * Receive a notice that another instance passed on; it is verified here again, with
	 * this instance's key and memory.
	 * @param body the body the other instance received, or {@code null} if the message
	 * has none
	 * @param signature the signature header it received
	 */
	void receiveFromBus(byte @Nullable [] body, @Nullable String signature) {
		if (body == null) {
			refused(BUS, "the message has no body");
			return;
		}
		WebhookVerification verification = this.verifier.verify(body, signature);
		if (accepted(BUS, verification)) {
			read(BUS, verified(verification), randomDelay());
		}
	}

	/**
	 * Say that a channel carries the changes of every import.
	 * @param channel the channel
	 */
	void activate(String channel) {
		if (BUS.equals(channel)) {
			this.bus = true;
		}
		this.notices.channel(channel, this.notices.importedLocations(), true);
	}

	private boolean accepted(String channel, WebhookVerification verification) {
		switch (verification.getOutcome()) {
			case REFUSED -> {
				refused(channel, verification.getReason());
				return false;
			}
			case IGNORED -> {
				logger.info("Ignored an Infisical webhook notice" + from(channel) + ": " + verification.getReason());
				this.counter.increment(channel, "ignored");
				return false;
			}
			default -> {
				this.counter.increment(channel, "accepted");
				return true;
			}
		}
	}

	private void refused(String channel, String reason) {
		logger.warn("Refused an Infisical webhook notice" + from(channel) + ": " + reason);
		this.counter.increment(channel, "refused");
	}

	private static String from(String channel) {
		return WEBHOOK.equals(channel) ? "" : " from Spring Cloud Bus";
	}

	private void read(String channel, WebhookPayload payload, Duration delay) {
		String projectId = notNull(payload.getProjectId());
		String environment = notNull(payload.getEnvironment());
		boolean imported = this.notices.changed(channel, projectId, environment, delay);
		if (logger.isDebugEnabled()) {
			logger.debug("Infisical secrets changed in project '" + projectId + "', environment '" + environment
					+ "', path '" + payload.getSecretPath() + "' (" + channel + "); "
					+ (imported ? "reading the imports again in " + delay.toMillis() + " ms" : "nothing imports them"));
		}
	}

	private Duration randomDelay() {
		long bound = this.spread.toMillis();
		return (bound > 0) ? Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound)) : Duration.ZERO;
	}

	private static WebhookPayload verified(WebhookVerification verification) {
		WebhookPayload payload = verification.getPayload();
		if (payload == null) {
			throw new IllegalStateException("An accepted notice has a payload");
		}
		return payload;
	}

	private static String notNull(@Nullable String value) {
		if (value == null) {
			throw new IllegalStateException("An accepted notice names its project and environment");
		}
		return value;
	}

}
