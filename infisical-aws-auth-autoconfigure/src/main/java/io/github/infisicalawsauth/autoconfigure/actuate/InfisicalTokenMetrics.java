package io.github.infisicalawsauth.autoconfigure.actuate;

import java.time.Clock;
import java.time.Instant;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauge {@value #EXPIRY} of the seconds until the held token expires (0 when none is
 * held).
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalTokenMetrics implements MeterBinder {

	static final String EXPIRY = "infisical.token.expiry";

	private final InfisicalTokenProvider tokenProvider;

	private final Clock clock;

	InfisicalTokenMetrics(InfisicalTokenProvider tokenProvider, Clock clock) {
		this.tokenProvider = tokenProvider;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (!(this.tokenProvider instanceof LifecycleAwareTokenProvider)) {
			// an application-defined provider: its expiry is not known without a login
			return;
		}
		Gauge.builder(EXPIRY, this, InfisicalTokenMetrics::secondsToExpiry)
			.description("Seconds until the held Infisical access token expires")
			.baseUnit("seconds")
			.strongReference(true)
			.register(registry);
	}

	private double secondsToExpiry() {
		Instant now = this.clock.instant();
		TokenStatus status = ((LifecycleAwareTokenProvider) this.tokenProvider).getStatus();
		return status.hasValidToken(now) ? status.timeToExpiry(now).toMillis() / 1000.0 : 0;
	}

}
