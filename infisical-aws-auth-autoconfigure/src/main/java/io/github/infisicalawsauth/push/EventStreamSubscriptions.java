package io.github.infisicalawsauth.push;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

/**
 * Infisical event subscriptions of the imported locations: server-sent events streams
 * opened with the application's own token, registered for the environment and exact path
 * of each folder the application imports. A stream registers two folders at most (a
 * server takes 10 registrations, 4 events each); an environment whose folders need more
 * registers the folder that holds them all instead, so a project gets at most one stream
 * per imported environment, most often one. An event makes the
 * {@link SecretsChangeNotices} read the imports of its project and environment again
 * (coalesced, with {@code If-None-Match}); an event never carries keys or values, and one
 * about an environment the application does not import causes no read.
 * <p>
 * Each stream is read on a daemon thread of its own; waits (reconnecting, silence) run on
 * the given {@link TaskScheduler} and its clock. A stream that drops, ends, sends
 * {@code event: error} or stays silent (pings included) for longer than the idle timeout
 * is opened again with backoff and jitter (2 to 4 seconds at first, doubling, at most 60
 * by default), logging in again first when the server rejected the token; after every
 * opening the imports it serves are read once, as the stream has no replay. Infisical
 * allows {@value #MAX_STREAMS_PER_PROJECT} streams per project and machine identity
 * across all instances: a subscription refused with {@code 429} for that reason is logged
 * once at WARN and tried again about every {@link #LIMIT_RETRY_INTERVAL 5 minutes},
 * polling, where it is on, being the net meanwhile. A server that answers the
 * subscription with an error other than a rejected token, {@code 429} or {@code 5xx}
 * (servers without the feature answer {@code 404}, plans without it {@code 402},
 * {@code 403} or {@code 400}) gets no second try: polling stays the net, and the
 * {@link Listener} hears of it.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class EventStreamSubscriptions {

	/**
	 * Channel name of the notices, for status and metrics.
	 */
	public static final String CHANNEL = "stream";

	/**
	 * Path of the subscription route below {@code /api}.
	 */
	public static final String SUBSCRIBE_PATH = "/v1/events/subscribe/project-events";

	/**
	 * How many streams Infisical lets one machine identity have open for one project,
	 * counted across all instances that share the identity.
	 */
	public static final int MAX_STREAMS_PER_PROJECT = 5;

	/**
	 * How long a subscription refused for the stream limit waits before it tries again,
	 * at least; up to a minute of jitter is added.
	 */
	public static final Duration LIMIT_RETRY_INTERVAL = Duration.ofMinutes(5);

	static final Duration LIMIT_RETRY_JITTER = Duration.ofMinutes(1);

	private static final Duration STOP_WAIT = Duration.ofSeconds(2);

	private final InfisicalHttpClient client;

	private final InfisicalTokenProvider tokenProvider;

	private final SecretsChangeNotices notices;

	private final TaskScheduler scheduler;

	private final ThreadFactory threadFactory;

	private final RetryBackoff backoff;

	private final Duration idleTimeout;

	private final Duration answerTimeout;

	private final @Nullable Duration refreshInterval;

	private final Listener listener;

	// by project, one per group of imported environments
	private final Map<String, List<EventStreamSubscription>> subscriptions = new LinkedHashMap<>();

	private boolean started;

	private EventStreamSubscriptions(Builder builder) {
		this.client = builder.client;
		this.tokenProvider = builder.tokenProvider;
		this.notices = builder.notices;
		this.scheduler = builder.scheduler;
		this.threadFactory = builder.threadFactory;
		this.backoff = builder.backoff;
		this.idleTimeout = builder.idleTimeout;
		this.answerTimeout = builder.answerTimeout;
		this.refreshInterval = builder.refreshInterval;
		this.listener = builder.listener;
	}

	/**
	 * Start building the subscriptions.
	 * @param client the HTTP client, built over a JDK {@code HttpClient}
	 * @param tokenProvider the provider of the token the streams are opened with
	 * @param notices what to tell of changes, and where the imported locations come from
	 * @param scheduler the scheduler of reconnections and silence checks, and its clock
	 * @return a new builder
	 */
	public static Builder builder(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider,
			SecretsChangeNotices notices, TaskScheduler scheduler) {
		return new Builder(client, tokenProvider, notices, scheduler);
	}

	/**
	 * Open the streams of every project that the application imports from, at most one
	 * per imported environment, in the background. Returns at once; an application that
	 * imports nothing opens none.
	 * @throws IllegalStateException if already started
	 */
	public synchronized void start() {
		if (this.started) {
			throw new IllegalStateException("Event subscriptions can be started once");
		}
		this.started = true;
		Map<String, List<SecretLocation>> byProject = new LinkedHashMap<>();
		for (SecretLocation location : this.notices.importedLocations()) {
			byProject.computeIfAbsent(location.getProjectId(), (projectId) -> new ArrayList<>()).add(location);
		}
		byProject.forEach((projectId, locations) -> this.subscriptions.put(projectId,
				EventStreamRegistrations.groups(locations)
					.stream()
					.map((group) -> new EventStreamSubscription(projectId, group, this))
					.toList()));
		subscriptions().forEach(EventStreamSubscription::start);
	}

	/**
	 * Close every stream and wait (2 seconds at most) for their threads to end.
	 */
	public void stop() {
		List<Thread> threads = new ArrayList<>();
		for (EventStreamSubscription subscription : subscriptions()) {
			Thread thread = subscription.stop();
			if (thread != null) {
				threads.add(thread);
			}
		}
		long deadline = System.nanoTime() + STOP_WAIT.toNanos();
		try {
			for (Thread thread : threads) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Wait until every stream has had its first answer (opened, refused, or failed in a
	 * way worth retrying, the stream limit included), at most the given time, and return
	 * the refusals.
	 * @param timeout how long to wait at most
	 * @return the reason of the first refused subscription of each project, by project id
	 */
	public Map<String, InfisicalException> awaitFirstAnswers(Duration timeout) {
		List<EventStreamSubscription> subscriptions = subscriptions();
		CompletableFuture<?>[] answers = subscriptions.stream()
			.map(EventStreamSubscription::firstAnswer)
			.toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(answers).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// the answers that came are reported, the others are still being waited for
		}
		Map<String, InfisicalException> refusals = new LinkedHashMap<>();
		for (EventStreamSubscription subscription : subscriptions) {
			InfisicalException refusal = subscription.firstAnswer().getNow(null);
			if (refusal != null) {
				refusals.putIfAbsent(subscription.projectId(), refusal);
			}
		}
		return refusals;
	}

	/**
	 * Return the state of the streams of each project: that of the stream furthest from
	 * open ({@link State#OPEN} only when all of them are).
	 * @return the states, by project id
	 */
	public Map<String, State> getStates() {
		Map<String, State> states = new LinkedHashMap<>();
		for (EventStreamSubscription subscription : subscriptions()) {
			State state = subscription.state();
			states.merge(subscription.projectId(), state,
					(one, other) -> (one.ordinal() > other.ordinal()) ? one : other);
		}
		return states;
	}

	/**
	 * Return when every stream of a project last carried a line (an event or a ping): the
	 * oldest of their last lines, so that one silent stream shows.
	 * @param projectId the project id
	 * @return the time on the scheduler's clock, or {@code null} if some stream of the
	 * project never carried one, or it has none
	 */
	public @Nullable Instant getLastReceived(String projectId) {
		List<EventStreamSubscription> streams;
		synchronized (this) {
			streams = this.subscriptions.getOrDefault(projectId, List.of());
		}
		Instant oldest = null;
		for (EventStreamSubscription stream : streams) {
			Instant received = stream.lastReceived();
			if (received == null) {
				return null;
			}
			oldest = (oldest == null || received.isBefore(oldest)) ? received : oldest;
		}
		return oldest;
	}

	/**
	 * Whether the server refused a subscription because the identity has all the streams
	 * it may open for the project ({@code 429 "Too many active connections for project
	 * ..."}), rather than for a rate limit of requests.
	 * @param failure the failure
	 * @return {@code true} for the stream limit
	 */
	static boolean isStreamLimit(InfisicalException failure) {
		return failure instanceof InfisicalApiException api && api.getStatusCode() == 429
				&& api.getServerMessage().toLowerCase(Locale.ROOT).contains("active connections");
	}

	private synchronized List<EventStreamSubscription> subscriptions() {
		return this.subscriptions.values().stream().flatMap(List::stream).toList();
	}

	InfisicalHttpClient client() {
		return this.client;
	}

	InfisicalTokenProvider tokenProvider() {
		return this.tokenProvider;
	}

	SecretsChangeNotices notices() {
		return this.notices;
	}

	TaskScheduler scheduler() {
		return this.scheduler;
	}

	ThreadFactory threadFactory() {
		return this.threadFactory;
	}

	RetryBackoff backoff() {
		return this.backoff;
	}

	Duration idleTimeout() {
		return this.idleTimeout;
	}

	Duration answerTimeout() {
		return this.answerTimeout;
	}

	@Nullable Duration refreshInterval() {
		return this.refreshInterval;
	}

	Listener listener() {
		return this.listener;
	}

	@Override
	public String toString() {
		return "EventStreamSubscriptions" + getStates();
	}

	/**
	 * The state of a project's streams, from open to closed for good.
	 */
	public enum State {

		/**
		 * Open: changes are announced.
		 */
		OPEN,

		/**
		 * Subscribing.
		 */
		CONNECTING,

		/**
		 * Waiting to open, or to open again after a drop, a failure, or while the
		 * project's streams are all taken.
		 */
		WAITING,

		/**
		 * Refused by the server (no event subscriptions, or not for this identity): not
		 * tried again.
		 */
		REFUSED,

		/**
		 * Closed for good.
		 */
		STOPPED

	}

	/**
	 * Hears what the streams do, for logs and metrics. Called on the streams' threads;
	 * must not block.
	 */
	public interface Listener {

		/**
		 * A stream opened (the first time, or again after a drop); a project with
		 * imported folders in more than one environment may have more than one.
		 * @param projectId the project
		 */
		default void opened(String projectId) {
		}

		/**
		 * The server refused a subscription; it is not tried again. Each stream of the
		 * project tells its own refusal.
		 * @param projectId the project
		 * @param reason what the server answered
		 */
		default void refused(String projectId, InfisicalException reason) {
		}

		/**
		 * An event that may announce a change arrived (pings and errors are not notices).
		 * @param projectId the project of the stream
		 * @param accepted whether it made an imported location be read again
		 */
		default void notice(String projectId, boolean accepted) {
		}

	}

	/**
	 * Builds {@link EventStreamSubscriptions}; every method checks its argument.
	 */
	public static final class Builder {

		private final InfisicalHttpClient client;

		private final InfisicalTokenProvider tokenProvider;

		private final SecretsChangeNotices notices;

		private final TaskScheduler scheduler;

		private ThreadFactory threadFactory = new ReaderThreads();

		private RetryBackoff backoff = defaultBackoff().build();

		private Duration idleTimeout = Duration.ofSeconds(60);

		private Duration answerTimeout = Duration.ofSeconds(10);

		private @Nullable Duration refreshInterval;

		private Listener listener = new Listener() {
		};

		private Builder(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider, SecretsChangeNotices notices,
				TaskScheduler scheduler) {
			this.client = checkNotNull(client, "client");
			this.tokenProvider = checkNotNull(tokenProvider, "tokenProvider");
			this.notices = checkNotNull(notices, "notices");
			this.scheduler = checkNotNull(scheduler, "scheduler");
		}

		/**
		 * Set the factory of the threads that read the streams, one per open stream.
		 * @param threadFactory the factory; daemon threads named
		 * {@code infisical-event-stream-N} by default
		 * @return this builder
		 */
		public Builder threadFactory(ThreadFactory threadFactory) {
			this.threadFactory = checkNotNull(threadFactory, "threadFactory");
			return this;
		}

		/**
		 * Set the waits between attempts to open a stream; only
		 * {@link RetryBackoff#backoff(int, Duration)} is used.
		 * @param backoff the backoff, by default 2 to 4 seconds at first, doubling, at
		 * most 60
		 * @return this builder
		 */
		public Builder backoff(RetryBackoff backoff) {
			this.backoff = checkNotNull(backoff, "backoff");
			return this;
		}

		/**
		 * Set how long a stream may stay silent, pings included, before it is taken for
		 * dead and opened again. A stream that stayed open that long also counts as
		 * healthy: its next drop starts the backoff over.
		 * @param idleTimeout the timeout, 60 seconds by default (servers ping every 15)
		 * @return this builder
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = checkPositive(idleTimeout, "idleTimeout");
			return this;
		}

		/**
		 * Set how long to wait for the head of the answer to a subscription.
		 * @param answerTimeout the timeout, 10 seconds by default
		 * @return this builder
		 */
		public Builder answerTimeout(Duration answerTimeout) {
			this.answerTimeout = checkPositive(answerTimeout, "answerTimeout");
			return this;
		}

		/**
		 * Set how often the imported locations are polled for changes, which the log
		 * tells while the streams of a project are all taken.
		 * @param refreshInterval the interval, or {@code null} (the default) when they
		 * are not polled
		 * @return this builder
		 */
		public Builder refreshInterval(@Nullable Duration refreshInterval) {
			this.refreshInterval = (refreshInterval != null) ? checkPositive(refreshInterval, "refreshInterval") : null;
			return this;
		}

		/**
		 * Set who hears what the streams do.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(Listener listener) {
			this.listener = checkNotNull(listener, "listener");
			return this;
		}

		/**
		 * Build the subscriptions, not yet started.
		 * @return the subscriptions
		 */
		public EventStreamSubscriptions build() {
			return new EventStreamSubscriptions(this);
		}

		private static <T> T checkNotNull(@Nullable T value, String name) {
			if (value == null) {
				throw new IllegalArgumentException("'" + name + "' must not be null");
			}
			return value;
		}

		private static Duration checkPositive(@Nullable Duration value, String name) {
			if (value == null || value.isZero() || value.isNegative()) {
				throw new IllegalArgumentException("'" + name + "' must be positive");
			}
			return value;
		}

	}

	// RetryBackoff's jitter takes half to all of each delay: from 4 seconds the first
	// wait is never shorter than the 2 seconds of Infisical's own clients, the longest
	// never longer than 60
	static RetryBackoff.Builder defaultBackoff() {
		return RetryBackoff.builder().initialInterval(Duration.ofSeconds(4)).maxInterval(Duration.ofSeconds(60));
	}

	private static final class ReaderThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, "infisical-event-stream-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
