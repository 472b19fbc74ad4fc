package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties.Secrets.Events.Enabled;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.push.EventStreamSubscriptions;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Runs the {@link EventStreamSubscriptions} while the application context runs, on a
 * scheduler thread and stream threads of their own. With
 * {@code infisical.secrets.events.enabled=auto} a server without event subscriptions
 * ({@code 404}, or a plan without them: {@code 402}, {@code 403}, or {@code 400} that
 * names a plan restriction) is reported once per project at INFO and polling stays the
 * net; with {@code true} startup waits (bounded by the connect and read timeouts and the
 * token's max wait) for the first answer of every subscription and fails on a refusal.
 * The stream limit ({@code 429}: the identity's streams for the project are all open,
 * most likely held by other instances) fails neither: it is a matter of fleet size, not
 * of configuration, and the stream is tried again later.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalEventStreams implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(InfisicalEventStreams.class);

	private final InfisicalHttpClient client;

	private final InfisicalTokenProvider tokenProvider;

	private final SecretsChangeNotices notices;

	private final Enabled enabled;

	private final Duration idleTimeout;

	private final Duration answerTimeout;

	private final Duration startupWait;

	private final @Nullable Duration refreshInterval;

	private final ObjectProvider<EventStreamSubscriptions.Listener> listeners;

	private @Nullable ThreadPoolTaskScheduler scheduler;

	private @Nullable EventStreamSubscriptions subscriptions;

	// until then a refusal in 'true' mode is reported by the startup failure
	private volatile boolean startupChecked;

	InfisicalEventStreams(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider,
			SecretsChangeNotices notices, InfisicalProperties properties,
			ObjectProvider<EventStreamSubscriptions.Listener> listeners) {
		this.client = client;
		this.tokenProvider = tokenProvider;
		this.notices = notices;
		this.enabled = properties.getSecrets().getEvents().getEnabled();
		this.idleTimeout = properties.getSecrets().getEvents().getIdleTimeout();
		this.answerTimeout = properties.getReadTimeout();
		this.startupWait = properties.getConnectTimeout()
			.plus(properties.getReadTimeout())
			.plus(properties.getToken().getMaxWait());
		this.refreshInterval = properties.getSecrets().getRefreshInterval();
		this.listeners = listeners;
	}

	@Override
	public synchronized void start() {
		if (this.subscriptions != null) {
			return;
		}
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(1);
		scheduler.setThreadNamePrefix("infisical-events-");
		scheduler.setDaemon(true);
		scheduler.initialize();
		EventStreamSubscriptions subscriptions = EventStreamSubscriptions
			.builder(this.client, this.tokenProvider, this.notices, scheduler)
			.idleTimeout(this.idleTimeout)
			.answerTimeout(this.answerTimeout)
			.refreshInterval(this.refreshInterval)
			.listener(new Reporter(this.listeners.orderedStream().toList()))
			.build();
		this.scheduler = scheduler;
		this.subscriptions = subscriptions;
		this.startupChecked = (this.enabled != Enabled.TRUE);
		subscriptions.start();
		if (this.enabled == Enabled.TRUE) {
			Map<String, InfisicalException> refusals = subscriptions.awaitFirstAnswers(this.startupWait);
			this.startupChecked = true;
			if (!refusals.isEmpty()) {
				stop();
				Map.Entry<String, InfisicalException> refusal = refusals.entrySet().iterator().next();
				throw new InfisicalEventSubscriptionException(refusal.getKey(), refusal.getValue());
			}
		}
	}

	@Override
	public synchronized void stop() {
		EventStreamSubscriptions subscriptions = this.subscriptions;
		ThreadPoolTaskScheduler scheduler = this.scheduler;
		this.subscriptions = null;
		this.scheduler = null;
		if (subscriptions != null) {
			subscriptions.stop();
		}
		if (scheduler != null) {
			scheduler.shutdown();
		}
	}

	// also when the context fails to start after the streams did
	@Override
	public void destroy() {
		stop();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.subscriptions != null;
	}

	// a server without the feature answers 404, a plan without it 402 or 403, and
	// current servers 400 "Failed to use event subscriptions due to plan restriction..."
	static boolean isUnavailable(InfisicalException reason) {
		if (!(reason instanceof InfisicalApiException api)) {
			return false;
		}
		int status = api.getStatusCode();
		return status == 404 || status == 402 || status == 403
				|| (status == 400 && api.getServerMessage().toLowerCase(Locale.ROOT).contains("plan restriction"));
	}

	/**
	 * Logs what the streams do, and tells the application's listeners.
	 */
	private final class Reporter implements EventStreamSubscriptions.Listener {

		private final List<EventStreamSubscriptions.Listener> listeners;

		// a project with several streams has each refused: one line tells it
		private final Set<String> reported = ConcurrentHashMap.newKeySet();

		Reporter(List<EventStreamSubscriptions.Listener> listeners) {
			this.listeners = listeners;
		}

		@Override
		public void opened(String projectId) {
			this.listeners.forEach((listener) -> listener.opened(projectId));
		}

		@Override
		public void refused(String projectId, InfisicalException reason) {
			this.listeners.forEach((listener) -> listener.refused(projectId, reason));
			if (!InfisicalEventStreams.this.startupChecked || !this.reported.add(projectId)) {
				return;
			}
			Duration interval = InfisicalEventStreams.this.refreshInterval;
			String polling = (interval != null)
					? "changes are found by polling every " + interval.toSeconds()
							+ " s (infisical.secrets.refresh-interval)"
					: "infisical.secrets.refresh-interval is not set, so changes are read only when the application "
							+ "starts";
			String message = "Infisical event subscriptions are not available for project '" + projectId + "' ("
					+ reason.getMessage() + "): " + polling;
			if (InfisicalEventStreams.this.enabled == Enabled.AUTO && isUnavailable(reason)) {
				logger.info(message + "; set infisical.secrets.events.enabled=false to stop asking");
			}
			else {
				logger.warn(message);
			}
		}

		@Override
		public void notice(String projectId, boolean accepted) {
			this.listeners.forEach((listener) -> listener.notice(projectId, accepted));
		}

	}

}
