package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenLifecycleListener;
import io.github.infisicalawsauth.token.TokenStatus;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Gives the clients that config data built before any bean existed the application's
 * {@link TokenLifecycleListener}s and {@link ObservationRegistry}, and takes them back
 * when the context closes. A login that happened while the configuration loaded is
 * reported to the listeners then.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalConfigDataClientsAttachment implements SmartInitializingSingleton, DisposableBean {

	private final InfisicalConfigDataClients clients;

	private final ObjectProvider<TokenLifecycleListener> listenerProvider;

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private List<TokenLifecycleListener> listeners = List.of();

	InfisicalConfigDataClientsAttachment(InfisicalConfigDataClients clients,
			ObjectProvider<TokenLifecycleListener> listenerProvider,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		this.clients = clients;
		this.listenerProvider = listenerProvider;
		this.observationRegistry = observationRegistry;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ObservationRegistry registry = this.observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP);
		this.clients.getSecretsClient().setObservationRegistry(registry);
		if (this.clients.getTokenProvider() instanceof LifecycleAwareTokenProvider provider) {
			provider.setObservationRegistry(registry);
			this.listeners = this.listenerProvider.orderedStream().toList();
			TokenStatus status = provider.getStatus();
			for (TokenLifecycleListener listener : this.listeners) {
				provider.addListener(listener);
				if (status.hasValidToken(Instant.now())) {
					listener.loggedIn(Objects.requireNonNull(status.expiresAt()));
				}
			}
		}
	}

	@Override
	public void destroy() {
		if (this.clients.getTokenProvider() instanceof LifecycleAwareTokenProvider provider) {
			this.listeners.forEach(provider::removeListener);
			provider.setObservationRegistry(ObservationRegistry.NOOP);
		}
		this.clients.getSecretsClient().setObservationRegistry(ObservationRegistry.NOOP);
	}

}
