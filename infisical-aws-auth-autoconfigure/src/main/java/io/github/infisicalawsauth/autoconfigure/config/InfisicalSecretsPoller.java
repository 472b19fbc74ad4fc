package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeListener;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.bootstrap.config.BootstrapPropertySource;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Polls the imported Infisical locations with {@code If-None-Match} and, only when a
 * secret changed, hands the changes on: either a context refresh that re-runs config data
 * loading (with spring-cloud-context), or an in-place update of the property sources.
 * Polls are spread with jitter; a failed poll keeps the last good values.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalSecretsPoller implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(InfisicalSecretsPoller.class);

	private static final boolean BOOTSTRAP_PRESENT = ClassUtils.isPresent(
			"org.springframework.cloud.bootstrap.config.BootstrapPropertySource",
			InfisicalSecretsPoller.class.getClassLoader());

	private final ConfigurableEnvironment environment;

	private final InfisicalConfigDataClients clients;

	private final Duration interval;

	private final ChangeHandler changeHandler;

	private final List<SecretsChangeListener> listeners;

	private final ScheduledExecutorService scheduler;

	private volatile boolean started;

	InfisicalSecretsPoller(ConfigurableEnvironment environment, InfisicalConfigDataClients clients, Duration interval,
			ChangeHandler changeHandler, List<SecretsChangeListener> listeners) {
		if (interval.isZero() || interval.isNegative()) {
			throw new IllegalArgumentException("'interval' must be positive");
		}
		this.environment = environment;
		this.clients = clients;
		this.interval = interval;
		this.changeHandler = changeHandler;
		this.listeners = List.copyOf(listeners);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "infisical-secrets-poll");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (event.getApplicationContext().getEnvironment() != this.environment || this.started) {
			return;
		}
		this.started = true;
		scheduleNext();
	}

	private void scheduleNext() {
		if (!this.scheduler.isShutdown()) {
			// 80% to 120% of the interval, so that many instances do not poll in step
			long millis = this.interval.toMillis();
			long delay = millis * 4 / 5 + ThreadLocalRandom.current().nextLong(Math.max(1, millis * 2 / 5));
			try {
				this.scheduler.schedule(this::pollAndReschedule, delay, TimeUnit.MILLISECONDS);
			}
			catch (RuntimeException ex) {
				// shut down meanwhile
			}
		}
	}

	private void pollAndReschedule() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			logger.warn("Polling Infisical for changed secrets failed; keeping the current values: " + ex.getMessage());
		}
		finally {
			scheduleNext();
		}
	}

	/**
	 * Check every imported location once.
	 * @return the names of the properties that changed
	 */
	Set<String> poll() {
		List<Change> changes = new ArrayList<>();
		// one read per location and round, however many imports (prefixes) it serves
		Map<SecretLocation, SecretsSnapshot> polled = new LinkedHashMap<>();
		for (PropertySource<?> candidate : this.environment.getPropertySources()) {
			if (unwrap(candidate) instanceof InfisicalPropertySource infisical) {
				Change change = poll(infisical, polled);
				if (change != null) {
					changes.add(change);
				}
			}
		}
		Set<String> names = new LinkedHashSet<>();
		changes.forEach((change) -> names.addAll(change.names()));
		if (!changes.isEmpty()) {
			logger.info("Infisical secrets changed: " + names);
			// the reload that a refresh runs uses what was just read: one read per
			// change
			this.clients.prefetched(polled);
			try {
				this.changeHandler.accept(changes);
			}
			finally {
				this.clients.endPass();
			}
			notifyListeners(changes);
		}
		return names;
	}

	private void notifyListeners(List<Change> changes) {
		for (Change change : changes) {
			SecretLocation location = change.snapshot().getLocation();
			for (SecretsChangeListener listener : this.listeners) {
				try {
					listener.secretsChanged(location, change.names());
				}
				catch (RuntimeException ex) {
					logger.warn("An Infisical secrets listener failed: " + ex);
				}
			}
		}
	}

	private @Nullable Change poll(InfisicalPropertySource source, Map<SecretLocation, SecretsSnapshot> polled) {
		SecretsSnapshot current = source.getSnapshot();
		// an optional import skipped at startup is read again until it can be
		SecretLocation location = source.isLoaded() ? Objects.requireNonNull(current).getLocation()
				: source.getSkippedLocation();
		if (location == null) {
			return null;
		}
		SecretsSnapshot next = polled.get(location);
		if (next == null) {
			try {
				next = this.clients.poll(location, source.isLoaded() ? current : null);
			}
			catch (InfisicalException ex) {
				if (source.isLoaded()) {
					logger.warn("Cannot check the Infisical secrets of " + location.describe()
							+ " for changes; keeping the current values: " + ex.getMessage());
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Optional Infisical import of " + location.describe() + " still cannot be read: "
							+ ex.getMessage());
				}
				return null;
			}
			polled.put(location, next);
		}
		if (next == current) {
			return null;
		}
		Set<String> names = source.changedPropertyNames(next);
		if (names.isEmpty()) {
			// only metadata changed, or an empty location appeared: remember the
			// answer for its ETag
			if (source.isLoaded()) {
				source.replaceSnapshot(next);
			}
			else {
				source.load(next);
			}
			return null;
		}
		return new Change(source, next, names);
	}

	private static PropertySource<?> unwrap(PropertySource<?> source) {
		// spring-cloud-context's legacy bootstrap wraps located property sources
		return BOOTSTRAP_PRESENT ? BootstrapSources.unwrap(source) : source;
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

	/**
	 * What a poll found in one property source.
	 *
	 * @param source the property source
	 * @param snapshot the new secrets
	 * @param names the names of the changed properties
	 */
	record Change(InfisicalPropertySource source, SecretsSnapshot snapshot, Set<String> names) {

		@Override
		public String toString() {
			return "Change[" + this.source.getName() + ", " + this.names + "]";
		}

	}

	/**
	 * What to do with changes.
	 */
	@FunctionalInterface
	interface ChangeHandler extends Consumer<List<Change>> {

		/**
		 * Update the property sources in place.
		 */
		ChangeHandler IN_PLACE = (changes) -> changes.forEach((change) -> change.source().update(change.snapshot()));

	}

	/**
	 * Kept apart so that the class is only loaded when spring-cloud-context is present.
	 */
	private static final class BootstrapSources {

		static PropertySource<?> unwrap(PropertySource<?> source) {
			return (source instanceof BootstrapPropertySource<?> bootstrap) ? bootstrap.getDelegate() : source;
		}

	}

}
