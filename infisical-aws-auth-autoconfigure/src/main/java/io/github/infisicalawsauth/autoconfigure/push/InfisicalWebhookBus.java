package io.github.infisicalawsauth.autoconfigure.push;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.push.WebhookPayload;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.bus.ServiceMatcher;
import org.springframework.cloud.bus.event.Destination;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

/**
 * Passes the webhook notices this instance verified on to every instance over Spring
 * Cloud Bus, and hands those of other instances to the {@link InfisicalWebhookReceiver},
 * which verifies them again. Publishing runs on a thread of its own, so that a slow or
 * unreachable broker never holds the webhook's caller; the instance that received a
 * notice from Infisical has asked for its read already and skips its own message.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalWebhookBus
		implements WebhookForwarder, ApplicationListener<InfisicalWebhookBusEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(InfisicalWebhookBus.class);

	// notices waiting for the broker; more are dropped, polling stays the net
	private static final int QUEUE_SIZE = 64;

	private final InfisicalWebhookReceiver receiver;

	private final ApplicationEventPublisher publisher;

	private final ServiceMatcher serviceMatcher;

	private final Destination.Factory destinations;

	private final ThreadPoolExecutor executor;

	InfisicalWebhookBus(InfisicalWebhookReceiver receiver, ApplicationEventPublisher publisher,
			ServiceMatcher serviceMatcher, Destination.Factory destinations) {
		this.receiver = receiver;
		this.publisher = publisher;
		this.serviceMatcher = serviceMatcher;
		this.destinations = destinations;
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_SIZE),
				(runnable) -> {
					Thread thread = new Thread(runnable, "infisical-webhook-bus");
					thread.setDaemon(true);
					return thread;
				});
	}

	@Override
	public void forward(byte[] body, String signature, WebhookPayload payload) {
		try {
			this.executor.execute(() -> publish(body, signature, payload));
		}
		catch (RejectedExecutionException ex) {
			logger.warn("Cannot pass an Infisical webhook notice on to Spring Cloud Bus: " + QUEUE_SIZE
					+ " notices are waiting for the broker already");
		}
	}

	private void publish(byte[] body, String signature, WebhookPayload payload) {
		try {
			// Spring Cloud Bus sends the events that originate here to the broker
			this.publisher.publishEvent(new InfisicalWebhookBusEvent(this, this.serviceMatcher.getBusId(),
					this.destinations.getDestination(null), body, signature, payload));
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot pass an Infisical webhook notice on to Spring Cloud Bus: " + ex.getMessage());
		}
	}

	@Override
	public void onApplicationEvent(InfisicalWebhookBusEvent event) {
		if (this.serviceMatcher.isFromSelf(event)) {
			// the notice this instance received from Infisical and asked to read already
			return;
		}
		this.receiver.receiveFromBus(event.getBody(), event.getSignature());
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
