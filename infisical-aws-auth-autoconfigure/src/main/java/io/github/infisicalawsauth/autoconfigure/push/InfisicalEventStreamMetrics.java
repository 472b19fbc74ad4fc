package io.github.infisicalawsauth.autoconfigure.push;

import io.github.infisicalawsauth.push.EventStreamSubscriptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Counts the notices of the event streams: the counter {@value #NOTICES} with the tags
 * {@code channel} ({@code stream}) and {@code outcome} ({@code accepted} when an imported
 * location is read again, {@code ignored} otherwise).
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalEventStreamMetrics implements EventStreamSubscriptions.Listener {

	static final String NOTICES = "infisical.notices";

	private final ObjectProvider<MeterRegistry> meterRegistry;

	InfisicalEventStreamMetrics(ObjectProvider<MeterRegistry> meterRegistry) {
		this.meterRegistry = meterRegistry;
	}

	@Override
	public void notice(String projectId, boolean accepted) {
		MeterRegistry registry = this.meterRegistry.getIfUnique();
		if (registry != null) {
			Counter.builder(NOTICES)
				.description("Change notices received from Infisical")
				.tag("channel", EventStreamSubscriptions.CHANNEL)
				.tag("outcome", accepted ? "accepted" : "ignored")
				.register(registry)
				.increment();
		}
	}

}
