package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeListener;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.bootstrap.config.BootstrapPropertySource;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.ClassUtils;

/**
 * Reads the imported Infisical locations again with {@code If-None-Match} and, only when
 * a secret changed, hands the changes to a {@link ChangeHandler} and tells the
 * {@link SecretsChangeListener}s. With an interval it polls on the config data clients'
 * scheduler from when the application context starts ({@link SmartLifecycle}) until it
 * stops, spread with jitter; the push channels ask it to read as
 * {@link SecretsChangeNotices}, coalesced per project and environment; what they ask for
 * before it starts (the web server starts first) is read once it starts. A failed read
 * keeps the last good values. Reads run one at a time.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalSecretsPoller implements SmartLifecycle, SecretsChangeNotices {

	/**
	 * Channel of the polls on an interval.
	 */
	static final String POLLING = "polling";

	private static final Log logger = LogFactory.getLog(InfisicalSecretsPoller.class);

	private static final boolean BOOTSTRAP_PRESENT = ClassUtils.isPresent(
			"org.springframework.cloud.bootstrap.config.BootstrapPropertySource",
			InfisicalSecretsPoller.class.getClassLoader());

	private final ConfigurableEnvironment environment;

	private final InfisicalConfigDataClients clients;

	private final @Nullable Duration interval;

	private final ChangeHandler changeHandler;

	private final List<SecretsChangeListener> listeners;

	private final Object monitor = new Object();

	private @Nullable ScheduledFuture<?> next;

	// reads asked for by notices and not yet run: by project and environment, or by
	// the set of locations a resync reads
	private final Map<Object, ScheduledFuture<?>> noticed = new HashMap<>();

	// reads asked for while not running, keyed as above, to schedule on start
	private final Map<Object, Runnable> waiting = new LinkedHashMap<>();

	private boolean running;

	/**
	 * Create a poller.
	 * @param environment the environment whose imports to poll
	 * @param clients the clients that read them
	 * @param interval the polling interval, or {@code null} to read only when asked
	 * @param changeHandler what to do with changes
	 * @param listeners who to tell of changes
	 */
	InfisicalSecretsPoller(ConfigurableEnvironment environment, InfisicalConfigDataClients clients,
			@Nullable Duration interval, ChangeHandler changeHandler, List<SecretsChangeListener> listeners) {
		if (interval != null && (interval.isZero() || interval.isNegative())) {
			throw new IllegalArgumentException("'interval' must be positive");
		}
		this.environment = environment;
		this.clients = clients;
		this.interval = interval;
		this.changeHandler = changeHandler;
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			this.running = true;
			if (this.interval != null) {
				importedLocations().forEach((location) -> this.clients.status(location).channel(POLLING, true));
			}
			scheduleNext();
			List<Runnable> reads = List.copyOf(this.waiting.values());
			this.waiting.clear();
			reads.forEach(Runnable::run);
		}
	}

	// a read in flight finds the poller stopped before it applies anything, and the
	// clients' scheduler, shut down with the context, interrupts its retries
	@Override
	public void stop() {
		synchronized (this.monitor) {
			this.running = false;
			if (this.next != null) {
				this.next.cancel(false);
				this.next = null;
			}
			this.noticed.values().forEach((read) -> read.cancel(false));
			this.noticed.clear();
		}
	}

	@Override
	public Set<SecretLocation> importedLocations() {
		Set<SecretLocation> locations = new LinkedHashSet<>();
		for (PropertySource<?> candidate : this.environment.getPropertySources()) {
			if (unwrap(candidate) instanceof InfisicalPropertySource infisical) {
				SecretsSnapshot snapshot = infisical.getSnapshot();
				SecretLocation location = infisical.isLoaded() ? Objects.requireNonNull(snapshot).getLocation()
						: infisical.getSkippedLocation();
				if (location != null) {
					locations.add(location);
				}
			}
		}
		return locations;
	}

	@Override
	public boolean changed(String channel, String projectId, String environment, Duration delay) {
		Predicate<SecretLocation> matching = (location) -> location.getProjectId().equals(projectId)
				&& location.getEnvironment().equals(environment);
		List<SecretLocation> locations = importedLocations().stream().filter(matching).toList();
		if (locations.isEmpty()) {
			return false;
		}
		locations.forEach((location) -> this.clients.status(location).noticed(channel));
		readLater(projectId + "\n" + environment, matching, delay);
		return true;
	}

	@Override
	public void resync(String channel, Collection<SecretLocation> locations) {
		Set<SecretLocation> which = Set.copyOf(locations);
		if (!which.isEmpty()) {
			readLater(which, which::contains, Duration.ZERO);
		}
	}

	@Override
	public void channel(String channel, Collection<SecretLocation> locations, boolean active) {
		for (SecretLocation location : importedLocations()) {
			if (locations.contains(location)) {
				this.clients.status(location).channel(channel, active);
			}
		}
	}

	// a read already waiting to run covers the notices that arrive meanwhile
	private void readLater(Object key, Predicate<SecretLocation> which, Duration delay) {
		synchronized (this.monitor) {
			if (!this.running) {
				// a notice answered before the poller runs is not lost
				this.waiting.putIfAbsent(key, () -> readLater(key, which, delay));
				return;
			}
			if (this.noticed.containsKey(key)) {
				return;
			}
			TaskScheduler scheduler = this.clients.getScheduler();
			this.noticed.put(key, scheduler.schedule(() -> {
				synchronized (this.monitor) {
					this.noticed.remove(key);
				}
				try {
					poll(which);
				}
				catch (RuntimeException ex) {
					logger.warn(
							"Reading changed Infisical secrets failed; keeping the current values: " + ex.getMessage());
				}
			}, scheduler.getClock().instant().plus(delay)));
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.monitor) {
			return this.running;
		}
	}

	// with the monitor held
	private void scheduleNext() {
		if (this.running && this.interval != null) {
			// 80% to 120% of the interval, so that many instances do not poll in step
			long millis = this.interval.toMillis();
			long delay = millis * 4 / 5 + ThreadLocalRandom.current().nextLong(Math.max(1, millis * 2 / 5));
			try {
				this.next = this.clients.getScheduler()
					.schedule(this::pollAndReschedule,
							this.clients.getScheduler().getClock().instant().plusMillis(delay));
			}
			catch (TaskRejectedException ex) {
				// the clients closed: nothing more to poll
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
			synchronized (this.monitor) {
				scheduleNext();
			}
		}
	}

	/**
	 * Check every imported location once.
	 * @return the names of the properties that changed
	 */
	Set<String> poll() {
		return poll((location) -> true);
	}

	/**
	 * Check the imported locations that match once: one read per location, however many
	 * imports (prefixes) it serves.
	 * @param which the locations to check
	 * @return the names of the properties that changed, empty once the context stopped
	 */
	synchronized Set<String> poll(Predicate<SecretLocation> which) {
		if (!isRunning()) {
			return Set.of();
		}
		List<Change> changes = new ArrayList<>();
		Map<SecretLocation, SecretsSnapshot> polled = new LinkedHashMap<>();
		for (PropertySource<?> candidate : this.environment.getPropertySources()) {
			if (unwrap(candidate) instanceof InfisicalPropertySource infisical) {
				Change change = poll(infisical, which, polled);
				if (change != null) {
					changes.add(change);
				}
			}
		}
		Set<String> names = new LinkedHashSet<>();
		changes.forEach((change) -> names.addAll(change.names()));
		if (!changes.isEmpty() && isRunning()) {
			logger.info("Infisical secrets changed: " + names);
			// the reload that a refresh runs serves what was just read: one read per
			// change
			this.clients.reloadWith(polled, () -> {
				this.changeHandler.apply(changes);
				return null;
			});
			notifyListeners(changes);
		}
		return names;
	}

	private @Nullable Change poll(InfisicalPropertySource source, Predicate<SecretLocation> which,
			Map<SecretLocation, SecretsSnapshot> polled) {
		SecretsSnapshot current = source.getSnapshot();
		// an optional import skipped at startup is read again until it can be
		SecretLocation location = source.isLoaded() ? Objects.requireNonNull(current).getLocation()
				: source.getSkippedLocation();
		if (location == null || !which.test(location)) {
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

	private static PropertySource<?> unwrap(PropertySource<?> source) {
		// spring-cloud-context's legacy bootstrap wraps located property sources
		return BOOTSTRAP_PRESENT ? BootstrapSources.unwrap(source) : source;
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
	 * What to do with changes: refresh the application (re-running config data, which
	 * serves what the poll read) or update the property sources in place.
	 */
	@FunctionalInterface
	interface ChangeHandler {

		/**
		 * Update the property sources in place.
		 */
		ChangeHandler IN_PLACE = (changes) -> changes.forEach((change) -> change.source().update(change.snapshot()));

		/**
		 * Make the application serve the changes.
		 * @param changes the changes, at least one
		 */
		void apply(List<Change> changes);

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
