package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalClientFactory;
import io.github.infisicalawsauth.autoconfigure.InfisicalHttpClientCustomizer;
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
 * before any bean exists, with the secrets last read per location. One instance per
 * bootstrap context: it is registered there, promoted into the application context when
 * the bootstrap context closes (that context then owns and closes it), and found again
 * through the bootstrap context that spring-cloud-context keeps for a refresh, so that
 * the application logs in once. Nothing is shared between two application contexts.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalConfigDataClients implements AutoCloseable {

	static final String BEAN_NAME = "infisicalConfigDataClients";

	private final Map<String, @Nullable Object> settings;

	private final InfisicalHttpClient httpClient;

	private final LifecycleAwareTokenProvider tokenProvider;

	private final InfisicalSecretsClient secretsClient;

	private final @Nullable AwsCredentialsProvider registeredCredentials;

	private final String credentialsDescription;

	private final Map<SecretLocation, SecretsSnapshot> lastRead = new ConcurrentHashMap<>();

	private final Map<SecretLocation, SecretsSnapshot> prefetched = new ConcurrentHashMap<>();

	private final Map<SecretLocation, InfisicalReadStatus> statuses = new ConcurrentHashMap<>();

	private final List<Map<String, @Nullable Object>> reportedSettings = new ArrayList<>();

	private volatile boolean started;

	private volatile @Nullable InfisicalException passFailure;

	private volatile boolean promoted;

	private volatile boolean closed;

	private InfisicalConfigDataClients(Map<String, @Nullable Object> settings, InfisicalHttpClient httpClient,
			LifecycleAwareTokenProvider tokenProvider, InfisicalSecretsClient secretsClient,
			@Nullable AwsCredentialsProvider registeredCredentials, String credentialsDescription) {
		this.settings = settings;
		this.httpClient = httpClient;
		this.tokenProvider = tokenProvider;
		this.secretsClient = secretsClient;
		this.registeredCredentials = registeredCredentials;
		this.credentialsDescription = credentialsDescription;
	}

	/**
	 * Return the clients of this bootstrap context, creating them (without logging in) on
	 * first use.
	 * @param bootstrap the bootstrap context
	 * @param properties the final {@code infisical.*} settings
	 * @param binder a binder of the final configuration, for SSL bundles
	 * @param logger where to log
	 * @return the clients
	 */
	static InfisicalConfigDataClients get(ConfigurableBootstrapContext bootstrap, InfisicalProperties properties,
			Binder binder, Log logger) {
		InfisicalClientFactory factory = new InfisicalClientFactory(properties);
		Map<String, @Nullable Object> settings = factory.clientSettings();
		if (!bootstrap.isRegistered(InfisicalConfigDataClients.class)) {
			InfisicalConfigDataClients created = create(bootstrap, factory, properties, binder);
			bootstrap.register(InfisicalConfigDataClients.class, InstanceSupplier.of(created));
			bootstrap.addCloseListener(created::promote);
		}
		InfisicalConfigDataClients clients = bootstrap.get(InfisicalConfigDataClients.class);
		clients.checkSettings(settings, logger);
		return clients;
	}

	private static InfisicalConfigDataClients create(ConfigurableBootstrapContext bootstrap,
			InfisicalClientFactory factory, InfisicalProperties properties, Binder binder) {
		// no beans yet: a customizer (a proxy, for example) comes from the bootstrap
		// registry
		List<InfisicalHttpClientCustomizer> customizers = bootstrap.isRegistered(InfisicalHttpClientCustomizer.class)
				? List.of(bootstrap.get(InfisicalHttpClientCustomizer.class)) : List.of();
		InfisicalHttpClient httpClient = factory.httpClient(sslBundles(properties, binder), customizers);
		try {
			AwsCredentialsProvider registered = bootstrap.isRegistered(AwsCredentialsProvider.class)
					? bootstrap.get(AwsCredentialsProvider.class) : null;
			LifecycleAwareTokenProvider tokenProvider = factory.tokenProvider(httpClient, registered);
			String description = (registered != null) ? "the AwsCredentialsProvider registered in the BootstrapRegistry"
					: factory.describeCredentials();
			return new InfisicalConfigDataClients(factory.clientSettings(), httpClient, tokenProvider,
					factory.secretsClient(httpClient, tokenProvider), registered, description);
		}
		catch (RuntimeException ex) {
			httpClient.close();
			throw ex;
		}
	}

	// a refresh cannot swap the clients that the application's beans already use
	private synchronized void checkSettings(Map<String, @Nullable Object> current, Log logger) {
		if (this.settings.equals(current) || this.reportedSettings.contains(current)) {
			return;
		}
		this.reportedSettings.add(current);
		List<String> changed = new ArrayList<>();
		current.forEach((name, value) -> {
			if (!Objects.equals(this.settings.get(name), value)) {
				changed.add(name);
			}
		});
		logger.warn("Infisical settings " + changed + " changed since the application started; secrets are still "
				+ "read with the settings of the start, the new ones take effect after a restart");
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
	 * Start a pass over the imports (at startup, or for a refresh): forget a failure of
	 * the last pass, so that Infisical is tried again. Passes do not overlap: config data
	 * runs once at startup and spring-cloud-context serialises refreshes; a poll that
	 * ends meanwhile only costs the pass a conditional read.
	 */
	void beginPass() {
		this.passFailure = null;
	}

	/**
	 * End a pass over the imports: drop what a poll fetched for it and it did not use.
	 */
	void endPass() {
		this.prefetched.clear();
	}

	/**
	 * Read the secrets of a location: what a poll fetched for this pass, else a
	 * conditional read after the last one. Logs in on first use. Once Infisical failed
	 * transiently in a pass, the other imports of the pass fail the same way at once
	 * instead of each spending the retry budget again.
	 * @param location the location
	 * @return the secrets
	 * @throws InfisicalException if they cannot be read
	 */
	SecretsSnapshot read(SecretLocation location) {
		// kept until the pass ends: several imports (prefixes) may read one location
		SecretsSnapshot fetched = this.prefetched.get(location);
		if (fetched != null) {
			this.lastRead.put(location, fetched);
			return fetched;
		}
		InfisicalException failure = this.passFailure;
		if (failure != null) {
			throw failure;
		}
		try {
			start();
			return poll(location, this.lastRead.get(location));
		}
		catch (InfisicalException ex) {
			if (ex.isTransient() || ex instanceof InfisicalLoginException) {
				this.passFailure = ex;
			}
			throw ex;
		}
	}

	private void start() {
		if (!this.started) {
			synchronized (this) {
				if (!this.started) {
					this.tokenProvider.start();
					this.started = true;
				}
			}
		}
	}

	/**
	 * Read a location again unless unchanged since the given secrets.
	 * @param location the location
	 * @param previous the secrets last read, or {@code null}
	 * @return the new secrets, or {@code previous} itself if unchanged
	 */
	SecretsSnapshot poll(SecretLocation location, @Nullable SecretsSnapshot previous) {
		InfisicalReadStatus status = status(location);
		SecretsSnapshot snapshot;
		try {
			snapshot = this.secretsClient.getSecrets(location, previous);
		}
		catch (InfisicalException ex) {
			status.failed(ex);
			throw ex;
		}
		status.succeeded(snapshot, previous != null && snapshot != previous);
		this.lastRead.put(location, snapshot);
		return snapshot;
	}

	/**
	 * Return how the reads of a location went, the same object across refreshes.
	 * @param location the location
	 * @return the status
	 */
	InfisicalReadStatus status(SecretLocation location) {
		return this.statuses.computeIfAbsent(location, (key) -> new InfisicalReadStatus(Clock.systemUTC()));
	}

	/**
	 * Return the secrets last read from a location, to keep serving when a reload fails.
	 * @param location the location
	 * @return the secrets, or {@code null} if it was never read
	 */
	@Nullable SecretsSnapshot lastRead(SecretLocation location) {
		return this.lastRead.get(location);
	}

	/**
	 * Hand what a poll fetched to the reload it triggers, so that a change costs one
	 * read.
	 * @param snapshots the secrets by location
	 */
	void prefetched(Map<SecretLocation, SecretsSnapshot> snapshots) {
		this.prefetched.putAll(snapshots);
	}

	InfisicalSecretsClient getSecretsClient() {
		return this.secretsClient;
	}

	InfisicalHttpClient getHttpClient() {
		return this.httpClient;
	}

	/**
	 * Return the token provider, started: a login that failed while the configuration
	 * loaded (an {@code optional:} import was skipped) is tried again, so that
	 * {@code infisical.token.fail-fast} applies to the bean as to any other.
	 * @return the token provider
	 */
	InfisicalTokenProvider getStartedTokenProvider() {
		start();
		return this.tokenProvider;
	}

	InfisicalTokenProvider getTokenProvider() {
		return this.tokenProvider;
	}

	@Nullable AwsCredentialsProvider getRegisteredCredentials() {
		return this.registeredCredentials;
	}

	String getCredentialsDescription() {
		return this.credentialsDescription;
	}

	/**
	 * Close the clients unless an application context owns them: startup is failing, and
	 * without this the background refresh would outlive it.
	 */
	void closeIfUnpromoted() {
		if (!this.promoted) {
			close();
		}
	}

	void promote(BootstrapContextClosedEvent event) {
		ConfigurableApplicationContext context = event.getApplicationContext();
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (this.promoted || beanFactory.containsSingleton(BEAN_NAME)) {
			// the hook can fire twice
			return;
		}
		if (this.closed) {
			return;
		}
		// promoted even if no login worked yet: a refresh through the bootstrap
		// context that spring-cloud-context keeps tries again with these clients
		this.promoted = true;
		beanFactory.registerSingleton(BEAN_NAME, this);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(BEAN_NAME, this::close);
		}
		else {
			context.addApplicationListener((ContextClosedEvent closed) -> {
				if (closed.getApplicationContext() == context) {
					close();
				}
			});
		}
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.tokenProvider.close();
			this.httpClient.close();
		}
	}

	@Override
	public String toString() {
		return "InfisicalConfigDataClients[" + this.httpClient.getSiteUrl() + ", credentials from "
				+ this.credentialsDescription + "]";
	}

}
