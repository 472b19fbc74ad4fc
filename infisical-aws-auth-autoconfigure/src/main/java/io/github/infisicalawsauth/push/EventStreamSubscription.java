package io.github.infisicalawsauth.push;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.client.EventStreamConnection;
import io.github.infisicalawsauth.push.EventStreamSubscriptions.State;
import io.github.infisicalawsauth.secrets.SecretLocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One event stream of a project, for the imported folders of one or two of its
 * environments: opens it on a thread of its own, reads it, and opens it again with
 * backoff when it ends, until the server refuses it or it is stopped. While the project's
 * streams are all taken it tries again every few minutes. Waits run on the owner's
 * scheduler.
 *
 * @author Infisical AWS Auth contributors
 */
final class EventStreamSubscription {

	private static final Log logger = LogFactory.getLog(EventStreamSubscriptions.class);

	// room for an announcement of thousands of keys; longer lines are cut
	private static final int MAX_LINE_LENGTH = 1024 * 1024;

	private final String projectId;

	private final List<SecretLocation> locations;

	private final Set<String> environments = new LinkedHashSet<>();

	private final String folders;

	private final byte[] body;

	private final EventStreamSubscriptions owner;

	private final Object monitor = new Object();

	// completes with null when opened or failed in a way worth retrying, with the reason
	// when refused
	private final CompletableFuture<@Nullable InfisicalException> firstAnswer = new CompletableFuture<>();

	private State state = State.WAITING;

	private @Nullable EventStreamConnection connection;

	private @Nullable Thread reader;

	private @Nullable ScheduledFuture<?> timer;

	private @Nullable String closeReason;

	private int failures;

	private boolean everOpened;

	// the stream limit is told once at WARN, until the stream opens
	private boolean limitReported;

	private Instant openedAt = Instant.EPOCH;

	private volatile @Nullable Instant lastReceived;

	EventStreamSubscription(String projectId, EventStreamRegistrations.Group group, EventStreamSubscriptions owner) {
		this.projectId = projectId;
		this.locations = group.locations();
		this.locations.forEach((location) -> this.environments.add(location.getEnvironment()));
		this.folders = group.conditions().toString();
		this.body = EventStreamRegistrations.body(projectId, group.conditions());
		this.owner = owner;
	}

	String projectId() {
		return this.projectId;
	}

	CompletableFuture<@Nullable InfisicalException> firstAnswer() {
		return this.firstAnswer;
	}

	State state() {
		synchronized (this.monitor) {
			return this.state;
		}
	}

	@Nullable Instant lastReceived() {
		return this.lastReceived;
	}

	void start() {
		synchronized (this.monitor) {
			if (this.state == State.WAITING && this.timer == null) {
				connectIn(Duration.ZERO);
			}
		}
	}

	/**
	 * Close the stream for good.
	 * @return the thread that reads or opens it, to wait for, or {@code null}
	 */
	@Nullable Thread stop() {
		EventStreamConnection open;
		Thread thread;
		synchronized (this.monitor) {
			if (this.state == State.STOPPED) {
				return null;
			}
			this.state = State.STOPPED;
			cancelTimer();
			open = this.connection;
			this.connection = null;
			thread = this.reader;
			this.reader = null;
		}
		this.firstAnswer.complete(null);
		if (open != null) {
			open.close();
		}
		if (thread != null) {
			// also ends a subscription still waiting for its answer
			thread.interrupt();
		}
		return thread;
	}

	// with the monitor held
	private void connectIn(Duration delay) {
		this.state = State.WAITING;
		this.timer = this.owner.scheduler().schedule(this::connect, now().plus(delay));
	}

	// on the scheduler
	private void connect() {
		synchronized (this.monitor) {
			if (this.state != State.WAITING) {
				return;
			}
			this.state = State.CONNECTING;
			this.timer = null;
			Thread thread = this.owner.threadFactory().newThread(this::run);
			this.reader = thread;
			thread.start();
		}
	}

	// on the stream's own thread: open, read until the stream ends, plan the next attempt
	private void run() {
		InfisicalAccessToken token;
		try {
			token = this.owner.tokenProvider().getToken();
		}
		catch (RuntimeException ex) {
			// the token provider reports its own failures: try again later
			notOpened(null, ex, false);
			return;
		}
		EventStreamConnection opened;
		try {
			opened = EventStreamConnection.open(this.owner.client(), EventStreamSubscriptions.SUBSCRIBE_PATH, this.body,
					token.value(), this.owner.answerTimeout(), MAX_LINE_LENGTH);
		}
		catch (RuntimeException ex) {
			notOpened(token, ex, true);
			return;
		}
		String ended;
		try {
			if (!opened(opened)) {
				opened.close();
				return;
			}
			ended = read(opened, token);
		}
		catch (InfisicalException ex) {
			ended = ex.getMessage();
		}
		catch (RuntimeException ex) {
			ended = "reading it failed (" + ex.getClass().getName() + ")";
		}
		closed(opened, ended);
	}

	private boolean opened(EventStreamConnection opened) {
		boolean again;
		synchronized (this.monitor) {
			if (this.state != State.CONNECTING) {
				return false;
			}
			Instant now = now();
			this.state = State.OPEN;
			this.connection = opened;
			this.openedAt = now;
			this.lastReceived = now;
			this.closeReason = null;
			this.timer = this.owner.scheduler().schedule(this::checkIdle, now.plus(this.owner.idleTimeout()));
			again = this.everOpened && !this.limitReported;
			this.everOpened = true;
			this.limitReported = false;
		}
		if (!again) {
			logger.info("Subscribed to the Infisical events of project '" + this.projectId + "' (folders "
					+ this.folders + "): changed secrets are read as they are announced");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Infisical event stream of project '" + this.projectId + "' " + this.folders + " open again");
		}
		this.firstAnswer.complete(null);
		this.owner.notices().channel(EventStreamSubscriptions.CHANNEL, this.locations, true);
		// the stream has no replay: what changed while it was closed is read now, only
		// for the imports this stream serves
		this.owner.notices().resync(EventStreamSubscriptions.CHANNEL, this.locations);
		tell((listener) -> listener.opened(this.projectId));
		return true;
	}

	private String read(EventStreamConnection opened, InfisicalAccessToken token) {
		EventStreamParser parser = new EventStreamParser(MAX_LINE_LENGTH);
		for (String line = opened.readLine(); line != null; line = opened.readLine()) {
			this.lastReceived = now();
			EventStreamFrame frame = parser.accept(line);
			if (frame == null || frame.isPing()) {
				continue;
			}
			if (frame.isError()) {
				int status = frame.errorStatus();
				String error = frame.errorName();
				if (status == 401 || (status == 403 && "TokenError".equals(error))) {
					this.owner.tokenProvider().tokenRejected(token);
				}
				return "the server sent an error event (" + ((status != 0) ? "HTTP " + status : "no status")
						+ ((error != null) ? " " + error : "") + ")";
			}
			notice(frame);
		}
		return "the server ended it";
	}

	// an event only ever makes imported locations of this project be read again
	private void notice(EventStreamFrame frame) {
		boolean accepted = false;
		if (frame.isSecretEvent()) {
			Set<String> named = frame.environments(this.projectId);
			// a change that cannot be placed may concern any imported environment
			for (String environment : (named != null) ? named : this.environments) {
				if (this.environments.contains(environment)) {
					accepted |= this.owner.notices()
						.changed(EventStreamSubscriptions.CHANNEL, this.projectId, environment, noticeDelay());
				}
			}
		}
		if (!accepted && logger.isDebugEnabled()) {
			logger.debug("Ignored " + frame + " on the Infisical event stream of project '" + this.projectId + "'");
		}
		boolean outcome = accepted;
		tell((listener) -> listener.notice(this.projectId, outcome));
	}

	// the notices of one change (an update and the import mutations it causes) arrive
	// together and coalesce; instances of a fleet read at different times
	private static Duration noticeDelay() {
		return Duration.ofMillis(250 + ThreadLocalRandom.current().nextLong(750));
	}

	private void closed(EventStreamConnection opened, String reason) {
		opened.close();
		synchronized (this.monitor) {
			if (this.state != State.OPEN || this.connection != opened) {
				return;
			}
			this.connection = null;
			cancelTimer();
			String why = (this.closeReason != null) ? this.closeReason : reason;
			// a stream that stayed up a while starts the backoff over; one that keeps
			// ending at once waits longer each time, as every opening reads every import
			boolean healthy = !now().isBefore(this.openedAt.plus(this.owner.idleTimeout()));
			this.failures = healthy ? 1 : this.failures + 1;
			Duration wait = this.owner.backoff().backoff(this.failures, null);
			connectIn(wait);
			logger.info("Infisical event stream of project '" + this.projectId + "' " + this.folders + " closed: " + why
					+ "; opening it again in " + describe(wait));
		}
		this.owner.notices().channel(EventStreamSubscriptions.CHANNEL, this.locations, false);
	}

	private void notOpened(@Nullable InfisicalAccessToken token, RuntimeException ex, boolean answered) {
		boolean tokenRejected = ex instanceof InfisicalApiException api && api.isTokenRejected();
		if (tokenRejected && token != null) {
			this.owner.tokenProvider().tokenRejected(token);
		}
		boolean retry = !answered || tokenRejected
				|| (ex instanceof InfisicalException infisical && infisical.isTransient());
		InfisicalException reason = (ex instanceof InfisicalException infisical) ? infisical
				// the message of an unexpected failure may quote a header: only its type
				: new InfisicalException(
						"POST /api" + EventStreamSubscriptions.SUBSCRIBE_PATH + " failed: " + ex.getClass().getName(),
						ex);
		synchronized (this.monitor) {
			if (this.state != State.CONNECTING) {
				return;
			}
			if (EventStreamSubscriptions.isStreamLimit(reason)) {
				waitForAFreeStream((InfisicalApiException) reason);
			}
			else if (retry) {
				this.failures++;
				Duration retryAfter = (ex instanceof InfisicalApiException api) ? api.getRetryAfter() : null;
				Duration wait = this.owner.backoff().backoff(this.failures, retryAfter);
				connectIn(wait);
				String message = "Cannot open the Infisical event stream of project '" + this.projectId + "' ("
						+ reason.getMessage() + "); trying again in " + describe(wait)
						+ (tokenRejected ? " with a new token" : "");
				if (this.failures == 1) {
					logger.warn(message);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug(message + " (" + this.failures + " failures in a row)");
				}
			}
			else {
				this.state = State.REFUSED;
			}
		}
		if (!retry) {
			this.owner.notices().channel(EventStreamSubscriptions.CHANNEL, this.locations, false);
			// heard before startup, waiting on the answer, goes on
			tell((listener) -> listener.refused(this.projectId, reason));
			this.firstAnswer.complete(reason);
		}
		else if (!tokenRejected) {
			// startup waits for no retries: the server answered, or cannot be reached
			this.firstAnswer.complete(null);
		}
	}

	// with the monitor held: the identity has all the streams Infisical allows for the
	// project, held by other instances that share it (or by this one, for a project with
	// many imported environments). That is no failure to back off from quickly: polling,
	// where it is on, stays the net, and a long wait with jitter takes a place that frees
	// up later without pressing the server.
	private void waitForAFreeStream(InfisicalApiException limit) {
		this.failures = 0;
		Duration wait = EventStreamSubscriptions.LIMIT_RETRY_INTERVAL
			.plusMillis(ThreadLocalRandom.current().nextLong(EventStreamSubscriptions.LIMIT_RETRY_JITTER.toMillis()));
		Duration retryAfter = limit.getRetryAfter();
		if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
			wait = retryAfter;
		}
		connectIn(wait);
		if (!this.limitReported) {
			this.limitReported = true;
			Duration polling = this.owner.refreshInterval();
			// webhooks may announce changes too: only what this instance knows is told
			String meanwhile = (polling != null)
					? "no stream announces changes of these imports; polling finds them every " + describe(polling)
							+ " (infisical.secrets.refresh-interval)"
					: "no stream announces changes of these imports and, as infisical.secrets.refresh-interval is "
							+ "not set, no polling finds them: they are read when this instance takes a stream";
			logger.warn("Cannot open the Infisical event stream of project '" + this.projectId + "' " + this.folders
					+ ": Infisical allows " + EventStreamSubscriptions.MAX_STREAMS_PER_PROJECT
					+ " event streams per project and machine identity, counted across every instance that shares "
					+ "the identity, and they are all open (" + limit.getMessage() + "). Meanwhile " + meanwhile
					+ "; it tries again every " + EventStreamSubscriptions.LIMIT_RETRY_INTERVAL.toMinutes()
					+ " minutes or so to take a stream that frees up. For larger fleets use webhooks with Spring Cloud Bus "
					+ "(infisical.secrets.webhook.secret-key) and infisical.secrets.events.enabled=false, or more "
					+ "machine identities.");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("The Infisical event streams of project '" + this.projectId + "' are still all taken; "
					+ "trying again in " + describe(wait));
		}
	}

	// on the scheduler: a stream that carried nothing, not even a ping, for the idle
	// timeout is dead (a proxy may hold a connection whose server is gone)
	private void checkIdle() {
		EventStreamConnection idle;
		synchronized (this.monitor) {
			if (this.state != State.OPEN || this.connection == null) {
				return;
			}
			Instant deadline = Objects.requireNonNull(this.lastReceived).plus(this.owner.idleTimeout());
			if (now().isBefore(deadline)) {
				this.timer = this.owner.scheduler().schedule(this::checkIdle, deadline);
				return;
			}
			this.timer = null;
			this.closeReason = "silent for " + describe(this.owner.idleTimeout()) + ", pings included";
			idle = this.connection;
		}
		// the reading thread sees the end of the stream and plans the next attempt
		idle.close();
	}

	private void tell(Consumer<EventStreamSubscriptions.Listener> call) {
		try {
			call.accept(this.owner.listener());
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of the Infisical event streams failed: " + ex);
		}
	}

	// with the monitor held
	private void cancelTimer() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	private Instant now() {
		return this.owner.scheduler().getClock().instant();
	}

	private static String describe(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s"
				: String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

	@Override
	public String toString() {
		return "EventStreamSubscription[" + this.projectId + ", " + this.folders + ", " + state() + "]";
	}

}
