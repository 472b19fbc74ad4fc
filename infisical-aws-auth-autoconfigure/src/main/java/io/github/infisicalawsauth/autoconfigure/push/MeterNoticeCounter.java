package io.github.infisicalawsauth.autoconfigure.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The counter {@value #NAME} in the application's {@link MeterRegistry}, if it has one.
 * Kept apart so that Micrometer is only loaded when it is present.
 *
 * @author Infisical AWS Auth contributors
 */
final class MeterNoticeCounter implements NoticeCounter {

	static final String NAME = "infisical.notices";

	private final ObjectProvider<MeterRegistry> registry;

	private MeterNoticeCounter(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	static NoticeCounter of(BeanFactory beanFactory) {
		return new MeterNoticeCounter(beanFactory.getBeanProvider(MeterRegistry.class));
	}

	@Override
	public void increment(String channel, String outcome) {
		MeterRegistry registry = this.registry.getIfUnique();
		if (registry != null) {
			Counter.builder(NAME)
				.description("Notices that Infisical secrets changed")
				.tag("channel", channel)
				.tag("outcome", outcome)
				.register(registry)
				.increment();
		}
	}

}
