package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.infisicalawsauth.test.HttpExchange.ChunkedBody;
import io.github.infisicalawsauth.test.SecretStore.SecretChange;
import io.github.infisicalawsauth.test.SecretStore.SecretEvent;

/**
 * The event-subscription streams of a test server ({@value #SUBSCRIBE_PATH}, current
 * generation only), and the controls that tests use to play what a real server and its
 * network do to them.
 * <p>
 * A subscription ({@code Authorization: Bearer} and
 * {@code {"projectId", "register": [{"event", "conditions": {"environmentSlug",
 * "secretPath"}}]}}, 1 to 10 registrations, {@code event} one of {@code secret:create},
 * {@code secret:update}, {@code secret:delete}, {@code secret:import-mutation}) is
 * answered {@code 200} with {@code Content-Type: text/event-stream}, no
 * {@code Content-Length}, a chunked body and {@code Connection: close}. The stream then
 * carries one event per change of the project's secrets that a registration matches: the
 * same event, and the environment and folder path as the server's {@link EventMatching}
 * says (by default as current servers: exactly {@code environmentSlug}, a registration
 * without one matches nothing, and {@code secretPath} as a glob): <pre class="code">
 * id: 7
 * event: secret:update
 * data: {"data":{"type":"secret:update","payload":[{"environment":"dev","secretPath":"/app","secretKeys":["DB_URL"]}]}}
 *
 * </pre> with the {@code data:} in the {@link EventPayload shape} the server was built
 * with. A folder that imports a changed one (directly or not) gets a
 * {@code secret:import-mutation} event, as does a folder whose imports change. Every
 * {@link InfisicalTestServer.Builder#eventPingInterval(Duration) ping interval} (15
 * seconds by default) the stream carries {@code event: ping} with {@code data: {}}.
 * Failures before the stream starts answer as the other routes do: {@code 401} without a
 * token, {@code 401}/{@code 403} for a refused one, {@code 422} for an invalid body,
 * {@link #refuseSubscriptions(int) 400, 402 or 403} when the plan has no event
 * subscriptions, {@code 403 PermissionDenied} when the identity may not read the project,
 * and {@code 429 RateLimitError} when the identity already has
 * {@value #MAX_STREAMS_PER_PROJECT_AND_IDENTITY} open streams for the project, as
 * Infisical allows no more (it counts them across all of its instances, so a fleet that
 * shares an identity shares the 5): <pre class="code">
 * {"reqId":"req-...","statusCode":429,"message":"Too many active connections for project p1. Please close some connections before opening a new one.","error":"RateLimitError"}
 * </pre> A stream counts from its {@code 200} until the server ends it or sees the client
 * close it. Faults registered for the path apply as on any route. Streams end when the
 * server stops.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class EventStreams {

	/**
	 * Path of the subscription route.
	 */
	public static final String SUBSCRIBE_PATH = "/api/v1/events/subscribe/project-events";

	/**
	 * How many streams one identity may have open for one project.
	 */
	public static final int MAX_STREAMS_PER_PROJECT_AND_IDENTITY = 5;

	static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);

	private static final Logger logger = Logger.getLogger(InfisicalTestServer.class.getName());

	private static final String PLAN_MESSAGE = "Failed to subscribe to project events: "
			+ "your plan does not include event subscriptions. Upgrade your plan to use them.";

	// what current servers answer, with 400
	private static final String PLAN_RESTRICTION_MESSAGE = "Failed to use event subscriptions due to plan "
			+ "restriction. Upgrade plan to access enterprise event subscriptions.";

	private static final Object DROP = new Object();

	private static final Object ERROR = new Object();

	private static final Object PING = new Object();

	private static final Object GONE = new Object();

	private final Executor executor;

	private final Duration pingInterval;

	private final EventPayload payload;

	private final EventMatching matching;

	private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

	private final AtomicLong eventIds = new AtomicLong();

	private volatile boolean pinging = true;

	private volatile int refusalStatus;

	EventStreams(Executor executor, Duration pingInterval, EventPayload payload, EventMatching matching) {
		this.executor = executor;
		this.pingInterval = pingInterval;
		this.payload = payload;
		this.matching = matching;
	}

	/**
	 * Return how many streams are open: subscribed and not yet ended by the server or
	 * found closed by the client.
	 * @return the number of open streams
	 */
	public int openCount() {
		return this.streams.size();
	}

	/**
	 * Send {@code event: ping} on every open stream now, even when pings are
	 * {@link #stopPings() stopped}.
	 */
	public void ping() {
		offerAll(PING);
	}

	/**
	 * Stop the periodic pings: streams stay open but silent, as behind a proxy that holds
	 * the connection after the server went away.
	 */
	public void stopPings() {
		this.pinging = false;
	}

	/**
	 * Send the periodic pings again (the default).
	 */
	public void resumePings() {
		this.pinging = true;
	}

	/**
	 * Close every open stream abruptly, without ending its body, as a network failure or
	 * a server crash does: the client sees the connection closed before the end of the
	 * chunked body.
	 */
	public void dropAll() {
		offerAll(DROP);
	}

	/**
	 * Close the open streams of one project abruptly, as {@link #dropAll()} does.
	 * @param projectId the project
	 */
	public void dropAll(String projectId) {
		for (Stream stream : this.streams) {
			if (stream.subscription.projectId().equals(projectId)) {
				stream.queue.offer(DROP);
			}
		}
	}

	/**
	 * Send {@code event: error} on every open stream and end it, as the server does when
	 * the identity lost access to the project: <pre class="code">
	 * id: 9
	 * event: error
	 * data: {"statusCode":403,"message":"...","error":"PermissionDenied"}
	 *
	 * </pre> then the last chunk and the connection closed.
	 */
	public void sendErrorAndClose() {
		offerAll(ERROR);
	}

	/**
	 * Refuse new subscriptions as a server whose plan has no event subscriptions does.
	 * Open streams are not affected.
	 * @param status {@code 400} (current servers: {@code BadRequest}, "Failed to use
	 * event subscriptions due to plan restriction. Upgrade plan to access enterprise
	 * event subscriptions."), {@code 402} (Payment Required) or {@code 403}
	 */
	public void refuseSubscriptions(int status) {
		if (status != 400 && status != 402 && status != 403) {
			throw new IllegalArgumentException("'status' must be 400, 402 or 403");
		}
		this.refusalStatus = status;
	}

	/**
	 * Accept subscriptions again (the default): the plan includes event subscriptions.
	 */
	public void allowSubscriptions() {
		this.refusalStatus = 0;
	}

	@Nullable ApiError refusal() {
		return switch (this.refusalStatus) {
			case 400 -> ApiError.badRequest(PLAN_RESTRICTION_MESSAGE);
			case 402 -> ApiError.of(402, "PaymentRequired", PLAN_MESSAGE);
			case 403 -> ApiError.of(403, "ForbiddenError", PLAN_MESSAGE);
			default -> null;
		};
	}

	/**
	 * Queue an event on every stream that a change matches. Called with the store's
	 * monitor held, so events keep the order of the changes.
	 * @param change the change
	 */
	void publish(SecretChange change) {
		for (Stream stream : this.streams) {
			if (stream.subscription.matches(change, this.matching)) {
				stream.queue.offer(frame(change.event().type(), Json.MAPPER.writeValueAsString(data(change))));
			}
		}
	}

	/**
	 * Take one of the streams the identity may have open for the project, or refuse.
	 * Registered before the answer, so that no change after the client saw {@code 200} is
	 * missed; counted and added at once, so that subscriptions that arrive together
	 * cannot pass the limit.
	 * @param subscription the checked subscription
	 * @return the stream, to {@link #serve serve}
	 * @throws ApiError {@code 429 RateLimitError} when the identity has
	 * {@value #MAX_STREAMS_PER_PROJECT_AND_IDENTITY} streams open for the project
	 */
	synchronized Stream open(Subscription subscription) {
		long open = this.streams.stream()
			.filter((stream) -> stream.subscription.identityId().equals(subscription.identityId())
					&& stream.subscription.projectId().equals(subscription.projectId()))
			.count();
		if (open >= MAX_STREAMS_PER_PROJECT_AND_IDENTITY) {
			throw ApiError.of(429, "RateLimitError", "Too many active connections for project "
					+ subscription.projectId() + ". Please close some connections before opening a new one.");
		}
		Stream stream = new Stream(subscription);
		this.streams.add(stream);
		return stream;
	}

	/**
	 * Serve an {@link #open opened} stream: answer {@code 200} and stream events until
	 * the client goes away or a test control or the server ends the stream. Runs on the
	 * connection's thread.
	 * @param stream the stream
	 * @param exchange the exchange
	 * @throws IOException if the client is gone
	 */
	void serve(Stream stream, HttpExchange exchange) throws IOException {
		Subscription subscription = stream.subscription;
		try {
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("Content-Type", "text/event-stream");
			headers.put("Cache-Control", "no-cache");
			ChunkedBody body = exchange.sendChunked(200, headers);
			watchForClose(exchange.socket(), stream);
			logger.fine(() -> "Event stream of " + subscription.identityId() + " for " + subscription.projectId());
			stream(stream, body, exchange);
		}
		finally {
			this.streams.remove(stream);
		}
	}

	/**
	 * End every stream abruptly: the server stops.
	 */
	void closeAll() {
		offerAll(DROP);
	}

	private void stream(Stream stream, ChunkedBody body, HttpExchange exchange) throws IOException {
		long interval = this.pingInterval.toNanos();
		long nextPing = System.nanoTime() + interval;
		while (true) {
			Object item;
			try {
				item = stream.queue.poll(nextPing - System.nanoTime(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				exchange.drop();
				return;
			}
			if (item == null) {
				nextPing = System.nanoTime() + interval;
				if (this.pinging) {
					body.write(frame("ping", "{}"));
				}
			}
			else if (item == PING) {
				body.write(frame("ping", "{}"));
			}
			else if (item instanceof byte[] event) {
				body.write(event);
			}
			else if (item == ERROR) {
				body.write(frame("error",
						Json.MAPPER.writeValueAsString(ApiError
							.of(403, "PermissionDenied", "You are no longer allowed to subscribe on secret-events")
							.toJson(null))));
				body.finish();
				return;
			}
			else {
				// DROP or GONE
				exchange.drop();
				return;
			}
		}
	}

	/**
	 * Watch the connection on another thread, so that a client that closes its stream is
	 * noticed at once rather than at the next write.
	 */
	private void watchForClose(Socket socket, Stream stream) {
		try {
			this.executor.execute(() -> {
				try {
					socket.setSoTimeout(0);
					InputStream input = socket.getInputStream();
					while (input.read() != -1) {
						// a client sends nothing more on a stream's connection
					}
				}
				catch (IOException ex) {
					// closed by either side
				}
				stream.queue.offer(GONE);
			});
		}
		catch (RejectedExecutionException ex) {
			// the server is closed: its shutdown ends the stream
		}
	}

	private void offerAll(Object signal) {
		for (Stream stream : this.streams) {
			stream.queue.offer(signal);
		}
	}

	private byte[] frame(String event, String data) {
		String frame = "id: " + this.eventIds.incrementAndGet() + "\nevent: " + event + "\ndata: " + data + "\n\n";
		return frame.getBytes(StandardCharsets.UTF_8);
	}

	private ObjectNode data(SecretChange change) {
		ObjectNode json = Json.MAPPER.createObjectNode();
		ObjectNode data = json.putObject("data");
		boolean documented = this.payload == EventPayload.DOCUMENTED;
		data.put(documented ? "eventType" : "type", change.event().type());
		ObjectNode location;
		if (!documented && change.event() == SecretEvent.IMPORT_MUTATION) {
			location = data.putObject("payload");
		}
		else {
			location = data.putArray("payload").addObject();
		}
		location.put("environment", change.environment());
		location.put("secretPath", change.secretPath());
		if (change.secretKey() != null) {
			if (documented) {
				location.put("secretKey", change.secretKey());
			}
			else {
				ArrayNode keys = location.putArray("secretKeys");
				keys.add(change.secretKey());
			}
		}
		return json;
	}

	@Override
	public String toString() {
		return "EventStreams[" + this.streams.size() + " open]";
	}

	/**
	 * What a subscription registered for.
	 *
	 * @param event the event
	 * @param environmentSlug the environment, or {@code null} when not given
	 * @param secretPath the prefix or glob of folder paths
	 */
	record Registration(SecretEvent event, @Nullable String environmentSlug, String secretPath) {

		boolean matches(SecretChange change, EventMatching matching) {
			if (this.event != change.event()) {
				return false;
			}
			return switch (matching) {
				// the server matches environmentSlug ?? "" and {$glob: secretPath}
				case GLOB -> change.environment().equals((this.environmentSlug != null) ? this.environmentSlug : "")
						&& Webhook.compile(this.secretPath).matcher(change.secretPath()).matches();
				case PREFIX -> (this.environmentSlug == null || this.environmentSlug.equals(change.environment()))
						&& change.secretPath().startsWith(this.secretPath);
			};
		}

	}

	/**
	 * A checked subscription request.
	 *
	 * @param identityId the identity that subscribed
	 * @param projectId the project
	 * @param registrations what it registered for
	 */
	record Subscription(String identityId, String projectId, List<Registration> registrations) {

		boolean matches(SecretChange change, EventMatching matching) {
			return this.projectId.equals(change.projectId())
					&& this.registrations.stream().anyMatch((registration) -> registration.matches(change, matching));
		}

	}

	/**
	 * An open stream: what it subscribed to and what is still to be written on it.
	 */
	static final class Stream {

		private final Subscription subscription;

		private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

		Stream(Subscription subscription) {
			this.subscription = subscription;
		}

	}

}
