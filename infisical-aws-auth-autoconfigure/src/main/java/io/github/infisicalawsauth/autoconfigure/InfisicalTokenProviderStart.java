package io.github.infisicalawsauth.autoconfigure;

import java.time.Instant;
import java.util.Objects;

import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenLifecycleListener;
import io.github.infisicalawsauth.token.TokenStatus;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Waits, once every singleton exists, for the login that the auto-configured
 * {@link LifecycleAwareTokenProvider} began in the background, so that it overlapped with
 * the rest of context startup and still fails startup when fail-fast is on. Only then are
 * the application's {@link TokenLifecycleListener}s attached, with the login reported to
 * them, so that no listener bean is called from another thread while the context is still
 * creating beans.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalTokenProviderStart implements SmartInitializingSingleton {

	private final LifecycleAwareTokenProvider provider;

	private final ObjectProvider<TokenLifecycleListener> listeners;

	InfisicalTokenProviderStart(LifecycleAwareTokenProvider provider,
			ObjectProvider<TokenLifecycleListener> listeners) {
		this.provider = provider;
		this.listeners = listeners;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.provider.awaitStart();
		TokenStatus status = this.provider.getStatus();
		this.listeners.orderedStream().forEach((listener) -> {
			this.provider.addListener(listener);
			if (status.hasValidToken(Instant.now())) {
				listener.loggedIn(Objects.requireNonNull(status.expiresAt()));
			}
		});
	}

}
