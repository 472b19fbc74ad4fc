package io.github.infisicalawsauth.autoconfigure;

import java.time.Duration;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalLoginException;
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

	private static final Duration FIRST_ATTEMPT_CHECK = Duration.ofMillis(100);

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
	 * login: the retries that start within {@code infisical.retry.max-elapsed-time}, and
	 * a slow first attempt to its end.
	 * @param provider the provider
	 * @param properties the starter's properties
	 * @throws io.github.infisicalawsauth.InfisicalLoginException if the login failed in a
	 * way that trying again cannot mend, or did not succeed in time
	 */
	public static void awaitFirstLogin(LifecycleAwareTokenProvider provider, InfisicalProperties properties) {
		provider.start();
		if (properties.getToken().isFailFast()) {
			awaitLogin(provider, maxElapsed(properties), properties);
		}
	}

	/**
	 * Wait for the provider's login: the retries that start within the given time, and,
	 * when no attempt has ended by then (a slow first one), that attempt's outcome.
	 * Startup may wait that long; a caller of {@code getToken()} may not.
	 * @param provider the provider
	 * @param retryFor how long retries may start
	 * @param properties the starter's properties, for the time one attempt may take
	 * @return the token
	 * @throws io.github.infisicalawsauth.InfisicalLoginException if the login failed in a
	 * way that trying again cannot mend, or did not succeed in time
	 */
	public static InfisicalAccessToken awaitLogin(LifecycleAwareTokenProvider provider, Duration retryFor,
			InfisicalProperties properties) {
		try {
			return provider.getToken(retryFor);
		}
		catch (InfisicalLoginException ex) {
			// no attempt ended yet: wait for the first one's outcome, connecting, signing
			// and reading taking at most this long
			long deadline = System.nanoTime()
					+ properties.getConnectTimeout().plus(properties.getReadTimeout()).plusSeconds(1).toNanos();
			InfisicalLoginException last = ex;
			while (last.isTransient() && provider.getStatus().failuresInARow() == 0 && System.nanoTime() < deadline) {
				try {
					return provider.getToken(FIRST_ATTEMPT_CHECK);
				}
				catch (InfisicalLoginException again) {
					last = again;
				}
			}
			throw last;
		}
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
