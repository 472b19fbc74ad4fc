package io.github.infisicalawsauth.autoconfigure.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalPropertySource;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalReadStatus;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Health of the Infisical login: UP while a valid token is held, with the seconds until
 * it expires, the last refresh and the last successful read of each imported location;
 * DOWN only when no valid token is held. Failed secret reads keep the last values and do
 * not make the application unhealthy. Never shows the token or a secret value.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalHealthIndicator extends AbstractHealthIndicator {

	private final InfisicalTokenProvider tokenProvider;

	private final ConfigurableEnvironment environment;

	private final Clock clock;

	InfisicalHealthIndicator(InfisicalTokenProvider tokenProvider, ConfigurableEnvironment environment, Clock clock) {
		super("Infisical health check failed");
		this.tokenProvider = tokenProvider;
		this.environment = environment;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant now = this.clock.instant();
		if (this.tokenProvider instanceof LifecycleAwareTokenProvider provider) {
			TokenStatus status = provider.getStatus();
			if (status.hasValidToken(now)) {
				builder.up()
					.withDetail("tokenExpiresAt", String.valueOf(status.expiresAt()))
					.withDetail("tokenExpiresInSeconds", status.timeToExpiry(now).toSeconds());
			}
			else {
				builder.down().withDetail("token", "no valid token held");
			}
			if (status.lastRefreshAt() != null) {
				builder.withDetail("lastRefresh",
						Map.of("at", status.lastRefreshAt().toString(), "by", String.valueOf(status.lastRefresh())));
			}
			if (status.failuresInARow() > 0) {
				builder.withDetail("refreshFailuresInARow", status.failuresInARow())
					.withDetail("lastRefreshFailure", String.valueOf(status.lastFailure()));
			}
		}
		else {
			// an application-defined provider: asking it for a token could log in
			builder.unknown().withDetail("token", "provided by the application's own InfisicalTokenProvider");
		}
		Map<String, Object> secrets = new LinkedHashMap<>();
		for (InfisicalPropertySource source : InfisicalImports.find(this.environment)) {
			InfisicalReadStatus status = source.getReadStatus();
			if (status != null && source.getLocation() != null) {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("lastSuccessfulRead", String.valueOf(status.getLastSuccessAt()));
				details.put("lastOutcome", status.getLastOutcome().name());
				if (status.getLastFailure() != null) {
					details.put("lastFailure", status.getLastFailure());
				}
				details.put("channels", List.copyOf(new TreeSet<>(status.getChannels())));
				if (status.getLastNoticeAt() != null) {
					details.put("lastNotice", Map.of("at", status.getLastNoticeAt().toString(), "channel",
							String.valueOf(status.getLastNoticeChannel())));
				}
				secrets.put(source.getLocation().describe(), details);
			}
		}
		if (!secrets.isEmpty()) {
			builder.withDetail("secrets", secrets);
		}
	}

}
