package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.autoconfigure.InfisicalClientFactory;
import io.github.infisicalawsauth.autoconfigure.InfisicalHttpClientCustomizer;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PropertiesSslBundle;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * What config data builds before any bean exists: the HTTP client, two schedulers, the
 * token provider and the secrets client, with the secrets last read per location. One
 * instance per bootstrap context: registered there, found again by the refresh that
 * spring-cloud-context runs with the bootstrap context it keeps (so the application logs
 * in once), and promoted into the application context, which then owns it and closes
 * everything with it. Until then the schedulers are paused, so that a startup that fails
 * after the import but before the context exists leaves nothing running. When the context
 * starts ({@link SmartLifecycle}), the clients get its observation registry. Nothing is
 * shared between two application contexts.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalConfigDataClients implements SmartLifecycle, AutoCloseable {

	static final String BEAN_NAME = "infisicalConfigDataClients";

	private static final Log logger = LogFactory.getLog(InfisicalConfigDataClients.class);

	private final Map<String, @Nullable Object> settings;

	private final InfisicalHttpClient httpClient;

	// the token's refreshes and drops
	private final ThreadPoolTaskScheduler tokenScheduler;

	// reads again (polls, notices), which may wait for a token: never on the token's
	// threads, which would then have none left to log in
	private final ThreadPoolTaskScheduler readScheduler;

	private final LifecycleAwareTokenProvider tokenProvider;

	private final InfisicalSecretsClient secretsClient;

	private final @Nullable AwsCredentialsProvider registeredCredentials;

	private final String credentialsDescription;

	private final Map<SecretLocation, SecretsSnapshot> lastRead = new ConcurrentHashMap<>();

	private final Map<SecretLocation, InfisicalReadStatus> statuses = new ConcurrentHashMap<>();

	private final List<Map<String, @Nullable Object>> reportedSettings = new ArrayList<>();

	private volatile Map<SecretLocation, SecretsSnapshot> justPolled = Map.of();

	private volatile @Nullable ConfigurableApplicationContext owner;

	private volatile boolean running;

	private volatile boolean closed;

	private InfisicalConfigDataClients(InfisicalClientFactory factory, InfisicalHttpClient httpClient,
			@Nullable AwsCredentialsProvider registeredCredentials) {
		this.settings = factory.clientSettings();
		this.httpClient = httpClient;
		// two threads: a refresh waiting on the server must not hold up the drop of a
		// token about to expire
		this.tokenScheduler = scheduler("infisical-token-", 2);
		this.readScheduler = scheduler("infisical-read-", 1);
		try {
			this.tokenProvider = factory.tokenProvider(httpClient, registeredCredentials, this.tokenScheduler);
		}
		catch (RuntimeException ex) {
			this.tokenScheduler.shutdown();
			this.readScheduler.shutdown();
			throw ex;
		}
		this.secretsClient = factory.secretsClient(httpClient, this.tokenProvider);
		this.registeredCredentials = registeredCredentials;
		this.credentialsDescription = (registeredCredentials != null)
				? "the AwsCredentialsProvider registered in the BootstrapRegistry" : factory.describeCredentials();
	}

	private static ThreadPoolTaskScheduler scheduler(String threadNamePrefix, int threads) {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(threads);
		scheduler.setThreadNamePrefix(threadNamePrefix);
		scheduler.setDaemon(true);
		scheduler.initialize();
		return scheduler;
	}

	/**
	 * Return the clients of this bootstrap context, creating them (without logging in) on
	 * first use; they are promoted into the application context when the bootstrap
	 * context closes.
	 * @param bootstrap the bootstrap context
	 * @param properties the final {@code infisical.*} settings
	 * @param binder a binder of the final configuration, for SSL bundles
	 * @return the clients
	 */
	static InfisicalConfigDataClients get(ConfigurableBootstrapContext bootstrap, InfisicalProperties properties,
			Binder binder) {
		InfisicalClientFactory factory = new InfisicalClientFactory(properties);
		if (!bootstrap.isRegistered(InfisicalConfigDataClients.class)) {
			// no beans yet: a customizer (a proxy, for example) and credentials come
			// from the bootstrap registry
			List<InfisicalHttpClientCustomizer> customizers = bootstrap
				.isRegistered(InfisicalHttpClientCustomizer.class)
						? List.of(bootstrap.get(InfisicalHttpClientCustomizer.class)) : List.of();
			InfisicalHttpClient httpClient = factory.httpClient(sslBundles(properties, binder), customizers);
			InfisicalConfigDataClients created;
			try {
				created = new InfisicalConfigDataClients(factory, httpClient,
						bootstrap.isRegistered(AwsCredentialsProvider.class)
								? bootstrap.get(AwsCredentialsProvider.class) : null);
			}
			catch (RuntimeException ex) {
				httpClient.close();
				throw ex;
			}
			bootstrap.register(InfisicalConfigDataClients.class, InstanceSupplier.of(created));
			bootstrap.addCloseListener((event) -> created.promote(event.getApplicationContext()));
		}
		InfisicalConfigDataClients clients = bootstrap.get(InfisicalConfigDataClients.class);
		clients.checkSettings(factory.clientSettings());
		return clients;
	}

	// a refresh cannot swap the clients that the application's beans already use
	private synchronized void checkSettings(Map<String, @Nullable Object> current) {
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

	private static @Nullable SslBundles sslBundles(InfisicalProperties properties, Binder binder) {
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
	 * Read the secrets of a location: what a poll just read for the reload it triggered,
	 * else a conditional read after the last one.
	 * @param location the location
	 * @return the secrets
	 * @throws InfisicalException if they cannot be read
	 */
	SecretsSnapshot read(SecretLocation location) {
		SecretsSnapshot polled = this.justPolled.get(location);
		return (polled != null) ? polled : poll(location, this.lastRead.get(location));
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
	 * Run a reload (a context refresh) that serves what a poll just read, so that a
	 * change costs one read.
	 * @param <T> the result type
	 * @param polled the secrets by location
	 * @param reload the reload
	 * @return what the reload returned
	 */
	<T> T reloadWith(Map<SecretLocation, SecretsSnapshot> polled, Supplier<T> reload) {
		this.justPolled = Map.copyOf(polled);
		try {
			return reload.get();
		}
		finally {
			this.justPolled = Map.of();
		}
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

	InfisicalSecretsClient getSecretsClient() {
		return this.secretsClient;
	}

	InfisicalHttpClient getHttpClient() {
		return this.httpClient;
	}

	LifecycleAwareTokenProvider getTokenProvider() {
		return this.tokenProvider;
	}

	/**
	 * Return the scheduler of the reads again (polls, notices).
	 * @return the scheduler
	 */
	TaskScheduler getScheduler() {
		return this.readScheduler;
	}

	String getCredentialsDescription() {
		return this.credentialsDescription;
	}

	/**
	 * Pause the scheduler until an application context owns the clients: until then no
	 * refresh runs, so that a startup that fails before leaves nothing running.
	 */
	synchronized void pauseUntilOwned() {
		if (this.owner == null) {
			this.tokenScheduler.stop();
			this.readScheduler.stop();
		}
	}

	/**
	 * Whether an application context owns the clients, and so closes them.
	 * @return {@code true} once promoted
	 */
	boolean isOwned() {
		return this.owner != null;
	}

	/**
	 * Hand the clients to the application context, which closes them when it closes, and
	 * resume their scheduler. The hook can fire twice; the first context keeps them.
	 * @param context the context
	 */
	synchronized void promote(ConfigurableApplicationContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (this.owner != null || this.closed || beanFactory.containsSingleton(BEAN_NAME)) {
			return;
		}
		this.owner = context;
		beanFactory.registerSingleton(BEAN_NAME, this);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(BEAN_NAME, this::close);
		}
		// the context closes the clients if its startup fails from here on
		this.tokenScheduler.start();
		this.readScheduler.start();
	}

	@Override
	public void start() {
		this.running = true;
		ConfigurableApplicationContext context = this.owner;
		if (context != null) {
			this.secretsClient.setObservationRegistry(
					context.getBeanProvider(ObservationRegistry.class).getIfAvailable(() -> ObservationRegistry.NOOP));
			warnIfOtherCredentials(context.getBeanProvider(AwsCredentialsProvider.class).getIfUnique());
		}
	}

	/**
	 * Warn once when the application has an {@link AwsCredentialsProvider} bean but
	 * config data logged in with other credentials: no bean existed while the
	 * configuration loaded, and the token provider built then stays in use.
	 */
	private void warnIfOtherCredentials(@Nullable AwsCredentialsProvider bean) {
		if (bean != null && bean != this.registeredCredentials) {
			logger.warn("The application has an AwsCredentialsProvider bean, but Infisical config data "
					+ "(spring.config.import=infisical:) logged in with " + this.credentialsDescription
					+ " before any bean existed, and keeps using it for loading and polling. To sign with the same "
					+ "credentials, register the provider with SpringApplication.addBootstrapRegistryInitializer("
					+ "(registry) -> registry.register(AwsCredentialsProvider.class, ...)), or describe them with "
					+ "infisical.aws-auth.profile or infisical.aws-auth.role-arn instead of a bean.");
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.running = false;
			this.tokenProvider.close();
			this.readScheduler.shutdown();
			this.tokenScheduler.shutdown();
			this.httpClient.close();
		}
	}

	@Override
	public String toString() {
		return "InfisicalConfigDataClients[" + this.httpClient.getSiteUrl() + ", credentials from "
				+ this.credentialsDescription + "]";
	}

}
