package io.github.infisicalawsauth.autoconfigure;

import java.time.Duration;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenLifecycleListener;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Finishes the start of the starter's {@link LifecycleAwareTokenProvider} once every
 * singleton exists: the login began on the provider's scheduler when the provider was
 * built, so it overlapped with the rest of context startup. When the provider is the
 * application's {@link InfisicalTokenProvider}, with {@code infisical.token.fail-fast}
 * this waits for it (retries starting within {@code infisical.retry.max-elapsed-time})
 * and fails startup otherwise. Then the application's {@link ObservationRegistry} and
 * {@link TokenLifecycleListener}s are attached (each listener first hears of the login
 * that gave the held token), so that no listener bean is called while the context is
 * still creating beans.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalTokenProviderStart implements SmartInitializingSingleton {

	private final LifecycleAwareTokenProvider provider;

	private final InfisicalProperties properties;

	private final ObjectProvider<TokenLifecycleListener> listeners;

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final ObjectProvider<InfisicalTokenProvider> tokenProviders;

	/**
	 * Create a start.
	 * @param provider the provider, started or not
	 * @param properties the starter's properties
	 * @param listeners the application's listeners
	 * @param observationRegistry the application's observation registry
	 * @param tokenProviders the application's token providers
	 */
	public InfisicalTokenProviderStart(LifecycleAwareTokenProvider provider, InfisicalProperties properties,
			ObjectProvider<TokenLifecycleListener> listeners, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<InfisicalTokenProvider> tokenProviders) {
		this.provider = provider;
		this.properties = properties;
		this.listeners = listeners;
		this.observationRegistry = observationRegistry;
		this.tokenProviders = tokenProviders;
	}

	@Override
	public void afterSingletonsInstantiated() {
		// config data's provider, when the application defines its own, only serves
		// loading and polling: its failures do not fail the application
		if (this.tokenProviders.getIfUnique() == this.provider) {
			awaitFirstLogin(this.provider, this.properties);
		}
		this.provider.setObservationRegistry(this.observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		this.listeners.orderedStream().forEach(this.provider::addListener);
	}

	/**
	 * Start the provider and, with {@code infisical.token.fail-fast}, wait for its first
	 * login: the attempt in flight and the retries that start within
	 * {@code infisical.retry.max-elapsed-time}.
	 * @param provider the provider
	 * @param properties the starter's properties
	 * @throws io.github.infisicalawsauth.InfisicalLoginException if the login failed in a
	 * way that trying again cannot mend, or did not succeed in time
	 */
	public static void awaitFirstLogin(LifecycleAwareTokenProvider provider, InfisicalProperties properties) {
		provider.start();
		if (properties.getToken().isFailFast()) {
			provider.awaitLogin(maxElapsed(properties), attemptTimeout(properties));
		}
	}

	/**
	 * How long one login attempt may take: connecting and reading, with room for signing.
	 * @param properties the starter's properties
	 * @return the time
	 */
	public static Duration attemptTimeout(InfisicalProperties properties) {
		return properties.getConnectTimeout().plus(properties.getReadTimeout()).plusSeconds(1);
	}

	private static Duration maxElapsed(InfisicalProperties properties) {
		Duration maxElapsed = properties.getRetry().getMaxElapsedTime();
		if (maxElapsed == null || maxElapsed.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("infisical.retry.max-elapsed-time", maxElapsed,
					"must not be negative");
		}
		return maxElapsed;
	}

}
