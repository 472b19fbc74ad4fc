package io.github.infisicalawsauth.autoconfigure.event;

import java.time.Instant;
import java.util.Set;

import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeListener;
import io.github.infisicalawsauth.token.TokenLifecycleListener;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns what the token provider and the poller report into Spring application events, so
 * that the {@code token} and {@code secrets} packages stay free of Spring types.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalEventPublisher implements TokenLifecycleListener, SecretsChangeListener {

	private final ApplicationEventPublisher publisher;

	/**
	 * Create a publisher.
	 * @param publisher where to publish the events
	 */
	public InfisicalEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void loggedIn(Instant expiresAt, boolean callerWaited) {
		this.publisher.publishEvent(new InfisicalLoggedInEvent(this, expiresAt, callerWaited));
	}

	@Override
	public void refreshed(Instant expiresAt, boolean renewed) {
		this.publisher.publishEvent(new InfisicalTokenRefreshedEvent(this, expiresAt, renewed));
	}

	@Override
	public void refreshFailed(InfisicalLoginException failure, int failuresInARow, @Nullable Instant keepingUntil) {
		this.publisher.publishEvent(new InfisicalTokenRefreshFailedEvent(this, failure, failuresInARow, keepingUntil));
	}

	@Override
	public void tokenDropped(Instant expiresAt) {
		this.publisher.publishEvent(new InfisicalTokenDroppedEvent(this, expiresAt));
	}

	@Override
	public void tokenRejected() {
		this.publisher.publishEvent(new InfisicalTokenRejectedEvent(this));
	}

	@Override
	public void secretsChanged(SecretLocation location, Set<String> names) {
		this.publisher.publishEvent(new InfisicalSecretsChangedEvent(this, location, names));
	}

}
