package io.github.infisicalawsauth.autoconfigure.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalClientFactory;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.bootstrap.BootstrapContext;
import org.springframework.boot.bootstrap.BootstrapContextClosedEvent;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The HTTP client, token provider and secrets client that config data loading builds
 * before any bean exists, registered in the {@link ConfigurableBootstrapContext} and
 * promoted into the application context when the bootstrap context closes, so that the
 * auto-configuration backs off and the application logs in once.
 * <p>
 * Promoted clients are also kept in a JVM-wide table, keyed by site, identity,
 * organization and region, until their context closes: a context refresh that re-runs
 * config data loading with a new bootstrap context reuses the running token provider
 * instead of logging in again.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalConfigDataClients {

	static final String HTTP_CLIENT_BEAN = "infisicalHttpClient";

	static final String TOKEN_PROVIDER_BEAN = "infisicalTokenProvider";

	static final String SECRETS_CLIENT_BEAN = "infisicalSecretsClient";

	private static final Map<String, Running> running = new ConcurrentHashMap<>();

	private InfisicalConfigDataClients() {
	}

	/**
	 * Register lazily built clients in the bootstrap context, unless already there, and
	 * the hook that promotes them.
	 * @param bootstrap the bootstrap context
	 * @param properties the bound properties
	 * @param binder the binder, for SSL bundles
	 * @param logger where to log
	 */
	static void register(ConfigurableBootstrapContext bootstrap, InfisicalProperties properties, Binder binder,
			Log logger) {
		String key = key(properties);
		InfisicalClientFactory factory = new InfisicalClientFactory(properties);
		if (!bootstrap.isRegistered(Promotion.class)) {
			Promotion promotion = new Promotion(key);
			bootstrap.register(Promotion.class, InstanceSupplier.of(promotion));
			bootstrap.addCloseListener(promotion::promote);
		}
		Promotion promotion = bootstrap.get(Promotion.class);
		bootstrap.registerIfAbsent(InfisicalHttpClient.class, (context) -> {
			Running reused = running.get(key);
			return (reused != null) ? reused.httpClient : factory.httpClient(sslBundles(properties, binder));
		});
		bootstrap.registerIfAbsent(InfisicalTokenProvider.class, (context) -> {
			Running reused = running.get(key);
			if (reused != null) {
				logger.debug("Reusing the running Infisical token provider");
				return reused.tokenProvider;
			}
			LifecycleAwareTokenProvider provider = factory.tokenProvider(context.get(InfisicalHttpClient.class),
					credentials(context));
			promotion.created = provider;
			provider.start();
			return provider;
		});
		bootstrap.registerIfAbsent(InfisicalSecretsClient.class, (context) -> {
			InfisicalTokenProvider tokenProvider = context.get(InfisicalTokenProvider.class);
			Running reused = running.get(key);
			InfisicalSecretsClient client = (reused != null && reused.tokenProvider == tokenProvider)
					? reused.secretsClient
					: factory.secretsClient(context.get(InfisicalHttpClient.class), tokenProvider);
			// only what config data really used is promoted: no login at promotion time
			promotion.used = true;
			return client;
		});
		bootstrap.registerIfAbsent(SnapshotCache.class, InstanceSupplier.from(SnapshotCache::new));
	}

	static String key(InfisicalProperties properties) {
		return properties.getSiteUrl() + "|" + properties.getAwsAuth().getIdentityId() + "|"
				+ properties.getOrganizationSlug() + "|" + properties.getAwsAuth().getRegion();
	}

	/**
	 * Close the token provider this bootstrap context created if it was never promoted:
	 * startup is failing, and without this its background refresh would outlive it.
	 * @param bootstrap the bootstrap context
	 */
	static void closeUnpromoted(BootstrapContext bootstrap) {
		if (bootstrap.isRegistered(Promotion.class)) {
			Promotion promotion = bootstrap.get(Promotion.class);
			LifecycleAwareTokenProvider created = promotion.created;
			if (created != null && !promotion.promoted) {
				created.close();
			}
		}
	}

	private static @Nullable AwsCredentialsProvider credentials(BootstrapContext context) {
		return context.isRegistered(AwsCredentialsProvider.class) ? context.get(AwsCredentialsProvider.class) : null;
	}

	static @Nullable SslBundles sslBundles(InfisicalProperties properties, Binder binder) {
		String name = properties.getSsl().getBundle();
		if (name == null) {
			return null;
		}
		// no SslBundles bean exists yet: build the bundle from spring.ssl.bundle.*
		SslProperties ssl = binder.bind("spring.ssl", SslProperties.class).orElseGet(SslProperties::new);
		PemSslBundleProperties pem = ssl.getBundle().getPem().get(name);
		if (pem != null) {
			return new DefaultSslBundleRegistry(name, PropertiesSslBundle.get(pem));
		}
		JksSslBundleProperties jks = ssl.getBundle().getJks().get(name);
		if (jks != null) {
			return new DefaultSslBundleRegistry(name, PropertiesSslBundle.get(jks));
		}
		throw new InvalidConfigurationPropertyValueException("infisical.ssl.bundle", name,
				"no SSL bundle of that name: define it under spring.ssl.bundle.pem." + name
						+ " or spring.ssl.bundle.jks." + name);
	}

	/**
	 * Promotes the clients into the application context once, and releases them when that
	 * context closes.
	 */
	private static final class Promotion {

		private final String key;

		volatile boolean used;

		volatile boolean promoted;

		volatile @Nullable LifecycleAwareTokenProvider created;

		Promotion(String key) {
			this.key = key;
		}

		void promote(BootstrapContextClosedEvent event) {
			BootstrapContext bootstrap = event.getBootstrapContext();
			if (bootstrap.isRegistered(SnapshotCache.class)) {
				// a refresh reuses this bootstrap context: let it try Infisical again
				bootstrap.get(SnapshotCache.class).setUnreachable(null);
			}
			ConfigurableApplicationContext context = event.getApplicationContext();
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			if (!this.used || beanFactory.containsSingleton(TOKEN_PROVIDER_BEAN)) {
				return;
			}
			InfisicalTokenProvider tokenProvider = bootstrap.get(InfisicalTokenProvider.class);
			InfisicalHttpClient httpClient = bootstrap.get(InfisicalHttpClient.class);
			InfisicalSecretsClient secretsClient = bootstrap.get(InfisicalSecretsClient.class);
			this.promoted = true;
			beanFactory.registerSingleton(HTTP_CLIENT_BEAN, httpClient);
			beanFactory.registerSingleton(TOKEN_PROVIDER_BEAN, tokenProvider);
			beanFactory.registerSingleton(SECRETS_CLIENT_BEAN, secretsClient);
			Running entry = running.compute(this.key, (key, existing) -> {
				Running result = (existing != null && existing.tokenProvider == tokenProvider) ? existing
						: new Running(httpClient, tokenProvider, secretsClient);
				result.users++;
				return result;
			});
			Runnable release = () -> release(this.key, entry);
			if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
				registry.registerDisposableBean(TOKEN_PROVIDER_BEAN, release::run);
			}
			else {
				context.addApplicationListener((ContextClosedEvent closed) -> {
					if (closed.getApplicationContext() == context) {
						release.run();
					}
				});
			}
		}

		private static void release(String key, Running entry) {
			boolean[] last = new boolean[1];
			running.computeIfPresent(key, (name, existing) -> {
				if (existing != entry) {
					return existing;
				}
				existing.users--;
				last[0] = existing.users <= 0;
				return last[0] ? null : existing;
			});
			if (last[0]) {
				if (entry.tokenProvider instanceof AutoCloseable closeable) {
					try {
						closeable.close();
					}
					catch (Exception ex) {
						// closing only cancels the refresh and maybe revokes; nothing to
						// do
					}
				}
				entry.httpClient.close();
			}
		}

	}

	/**
	 * Clients in use by running application contexts.
	 */
	private static final class Running {

		final InfisicalHttpClient httpClient;

		final InfisicalTokenProvider tokenProvider;

		final InfisicalSecretsClient secretsClient;

		int users;

		Running(InfisicalHttpClient httpClient, InfisicalTokenProvider tokenProvider,
				InfisicalSecretsClient secretsClient) {
			this.httpClient = httpClient;
			this.tokenProvider = tokenProvider;
			this.secretsClient = secretsClient;
		}

	}

	/**
	 * The last secrets read per location in one bootstrap context: lets a reload send
	 * {@code If-None-Match}, and keeps the last good values when a reload fails.
	 */
	static final class SnapshotCache {

		private final Map<SecretLocation, SecretsSnapshot> snapshots = new ConcurrentHashMap<>();

		@Nullable SecretsSnapshot get(SecretLocation location) {
			return this.snapshots.get(location);
		}

		void put(SecretsSnapshot snapshot) {
			this.snapshots.put(snapshot.getLocation(), snapshot);
			this.unreachable = null;
		}

		private volatile @Nullable InfisicalException unreachable;

		@Nullable InfisicalException getUnreachable() {
			return this.unreachable;
		}

		void setUnreachable(@Nullable InfisicalException unreachable) {
			this.unreachable = unreachable;
		}

	}

}
