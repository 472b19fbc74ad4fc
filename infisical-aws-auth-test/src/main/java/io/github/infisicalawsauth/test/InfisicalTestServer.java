package io.github.infisicalawsauth.test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * An in-process Infisical server for tests, bound to {@code 127.0.0.1}. It speaks the
 * Infisical HTTP API as a real server of the chosen {@link Generation} does: AWS IAM
 * login with a replayed STS {@code GetCallerIdentity} request whose SigV4 signature it
 * verifies against {@link #addAwsCredentials registered credentials}, JWT access tokens
 * with TTL, max TTL and use limits, renewal and revocation, secrets and folder reads with
 * imports, references, hidden values and {@code ETag}s, webhooks and event-subscription
 * streams that announce changes, and a stand-in for AWS STS itself. Faults can be
 * injected per path prefix.
 * <p>
 * Routes: {@code POST /api/v1/auth/aws-auth/login},
 * {@code POST /api/v1/auth/token/renew}, {@code POST /api/v1/auth/token/revoke},
 * {@code GET /api/v3/secrets/raw[/{name}]}, {@code GET /api/v1/folders} and, on the
 * current generation only, {@code GET /api/v4/secrets[/{name}]} and
 * {@code POST /api/v1/events/subscribe/project-events} (a server-sent events stream, see
 * {@link EventStreams}; {@code 404} on the 2024 generation). Query flags are
 * {@code "true"}/{@code "false"} strings; when a flag is not sent, v4 defaults
 * {@code viewSecretValue}, {@code expandSecretReferences} and {@code includeImports} to
 * {@code true}, v3 defaults {@code expandSecretReferences} and {@code include_imports} to
 * {@code false}, so a client that relies on defaults is noticed. A missing folder or
 * environment gives empty lists on the 2024 generation's secrets routes (404 for a folder
 * on the current one); {@code GET /api/v1/folders?workspaceId&environment&path} lists the
 * direct child folders of {@code path} (default {@code /}; the legacy {@code directory}
 * is accepted but {@code path} wins), an empty list for a missing path and {@code 404}
 * for a missing environment, which is how a client tells a missing folder from an empty
 * one there. Secrets and folder answers and their {@code ETag}s are rendered once per
 * change of the store, so conditional polling is cheap.
 * <p>
 * After a secret changes (added, changed, tagged or removed, or an import added), the
 * server announces it as Infisical does: to the {@link EnvironmentSpec#addWebhook
 * webhooks} whose path glob matches the folder, one {@link WebhookNotice JSON POST}
 * (signed when the webhook has a secret key) per folder after a
 * {@link Builder#webhookDelay(Duration) coalescing delay}, and as an event on the open
 * {@link #eventStreams() event streams} whose registrations match. Folders that import
 * the changed one are announced too. {@link #sendWebhooks} sends notices on demand.
 * <p>
 * {@code POST /} is the {@link #stsEndpoint() STS endpoint}, for the AWS SDK's own
 * {@code StsClient}: {@code GetCallerIdentity} and {@code AssumeRole} (of roles
 * {@link #addAwsRole(String) registered} here) in the AWS Query protocol, with the
 * signature checks and XML errors of STS ({@code SignatureDoesNotMatch} with
 * {@code Signature expired} or {@code Signature not yet current} for a clock more than 15
 * minutes off, {@code InvalidClientTokenId}, {@code ExpiredToken}, {@code AccessDenied},
 * ...). Credentials issued by {@code AssumeRole} also sign Infisical logins.
 * <p>
 * The transport is a small HTTP/1.1 server (HTTPS with
 * {@link Builder#https(SSLContext)}): one daemon thread per connection, keep-alive
 * (closed after {@link Builder#idleTimeout(Duration) an idle timeout}), request bodies by
 * {@code Content-Length} or chunked, {@code Expect: 100-continue}; an
 * {@code Upgrade: h2c} request gets a plain HTTP/1.1 answer. Every answer, errors and
 * faults included, carries {@code Content-Length} (except an event stream, which is
 * chunked and closes its connection when it ends) and a {@code Date} header from the
 * server's clock, so that a client can measure its clock offset as it would against a
 * real server, and leaves in one write with {@code TCP_NODELAY}, so small answers take no
 * 40 ms Nagle delay. Every request is {@link #requests() recorded}: the latest
 * {@link Builder#maxRecordedRequests(int) 1000 by default}; counters such as
 * {@link #loginCount()} count them all.
 * <p>
 * Time comes from the {@link Clock} given to the {@link Builder}, so tests can move it
 * instead of sleeping. The server is thread-safe. <pre class="code">
 * try (InfisicalTestServer server = InfisicalTestServer.start()) {
 *     server.addAwsCredentials("AKIDEXAMPLE", "secret", null, "123456789012",
 *             "arn:aws:iam::123456789012:user/app");
 *     server.addIdentity("identity-1").canReadProject("project-1");
 *     server.project("project-1").environment("dev").folder("/app").secret("KEY", "value");
 *     // point the client at server.url()
 * }
 * </pre>
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalTestServer implements AutoCloseable {

	static final String LOGIN_PATH = "/api/v1/auth/aws-auth/login";

	static final String RENEW_PATH = "/api/v1/auth/token/renew";

	static final String REVOKE_PATH = "/api/v1/auth/token/revoke";

	private static final String BEARER = "Bearer ";

	static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

	static final int DEFAULT_MAX_RECORDED_REQUESTS = 1000;

	static final Duration DEFAULT_WEBHOOK_DELAY = Duration.ofSeconds(1);

	private final Generation generation;

	private final Clock clock;

	private final ExecutorService executor;

	private final FakeSecurityTokenService sts = new FakeSecurityTokenService();

	private final AccessTokens tokens;

	private final SecretStore store;

	private final RenderedAnswers renderedAnswers;

	private final WebhookSender webhookSender;

	private final EventStreams eventStreams;

	private final Faults faults = new Faults();

	private final Map<String, IdentitySpec> identities = new ConcurrentHashMap<>();

	private final Set<String> organizations = ConcurrentHashMap.newKeySet();

	private final Deque<RecordedRequest> requests = new ArrayDeque<>();

	private final int maxRecordedRequests;

	private final AtomicInteger loginCount = new AtomicInteger();

	private final AtomicInteger renewCount = new AtomicInteger();

	private final AtomicInteger revokeCount = new AtomicInteger();

	private final AtomicInteger secretReadCount = new AtomicInteger();

	private final AtomicInteger folderReadCount = new AtomicInteger();

	private final Map<String, AtomicInteger> stsCallCounts = new ConcurrentHashMap<>();

	private final Map<String, int[]> concurrentRequests = new ConcurrentHashMap<>();

	private final Deque<String> issuedCredentials = new ArrayDeque<>();

	private final Object lifecycleMonitor = new Object();

	private final int port;

	private final @Nullable SSLContext sslContext;

	private final Duration idleTimeout;

	private final RequestHandler handler;

	private @Nullable LoopbackHttpServer httpServer;

	private boolean closed;

	private InfisicalTestServer(Builder builder) {
		this.generation = builder.generation;
		this.clock = builder.clock;
		this.sslContext = builder.sslContext;
		this.idleTimeout = builder.idleTimeout;
		this.maxRecordedRequests = builder.maxRecordedRequests;
		this.tokens = new AccessTokens(this.generation, this.clock);
		AtomicInteger threadNumber = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "infisical-test-server-" + threadNumber.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.store = new SecretStore(this.clock, this.generation);
		this.renderedAnswers = new RenderedAnswers(this.store);
		this.webhookSender = new WebhookSender(this.store, builder.webhookDelay, this.executor);
		this.eventStreams = new EventStreams(this.executor, builder.eventPingInterval, builder.eventPayload,
				builder.eventMatching);
		this.store.addListener(this.webhookSender);
		this.store.addListener(this.eventStreams::publish);
		this.handler = new RequestHandler(this);
		this.httpServer = bind(builder.port);
		this.port = this.httpServer.port();
	}

	/**
	 * Start a server of the {@link Generation#CURRENT current} generation on a random
	 * port, with the system UTC clock.
	 * @return the running server
	 */
	public static InfisicalTestServer start() {
		return builder().start();
	}

	/**
	 * Return a builder to choose the generation, clock or port.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the base URL of the server, without trailing slash and without {@code /api}.
	 * @return the URL, for example {@code http://127.0.0.1:54321}, or {@code https://}
	 * when the server was built with {@link Builder#https(SSLContext)}
	 */
	public String url() {
		return ((this.sslContext != null) ? "https" : "http") + "://127.0.0.1:" + this.port;
	}

	/**
	 * Return the port. It stays the same across {@link #stop()} and {@link #restart()}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the generation this server behaves like.
	 * @return the generation
	 */
	public Generation generation() {
		return this.generation;
	}

	/**
	 * Stop accepting connections and close the open ones, as a server that is down:
	 * requests in progress fail, idle keep-alive connections are closed. State
	 * (identities, tokens, secrets, faults, recorded requests) is kept;
	 * {@link #restart()} brings the server back on the same port.
	 */
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (this.httpServer != null) {
				this.httpServer.stop();
				this.httpServer = null;
			}
			this.eventStreams.closeAll();
		}
	}

	/**
	 * Accept connections again, on the same port, after {@link #stop()}. Does nothing if
	 * the server is running.
	 */
	public void restart() {
		synchronized (this.lifecycleMonitor) {
			if (this.closed) {
				throw new IllegalStateException("Server is closed");
			}
			if (this.httpServer == null) {
				this.httpServer = bind(this.port);
			}
		}
	}

	/**
	 * Return whether the server accepts connections.
	 * @return {@code true} unless stopped or closed
	 */
	public boolean isRunning() {
		synchronized (this.lifecycleMonitor) {
			return this.httpServer != null;
		}
	}

	/**
	 * Stop the server for good and release its threads.
	 */
	@Override
	public void close() {
		synchronized (this.lifecycleMonitor) {
			this.closed = true;
			stop();
			this.webhookSender.close();
			this.executor.shutdownNow();
		}
	}

	/**
	 * Register AWS credentials that the server's stand-in for STS accepts, and the caller
	 * that {@code GetCallerIdentity} answers for them.
	 * @param accessKeyId the access key id
	 * @param secretAccessKey the secret access key
	 * @param sessionToken the session token, or {@code null} for long-term credentials;
	 * when set, requests must carry it signed in {@code X-Amz-Security-Token}
	 * @param accountId the AWS account id
	 * @param arn the caller ARN, for example
	 * {@code arn:aws:sts::123456789012:assumed-role/app/session}
	 */
	public void addAwsCredentials(String accessKeyId, String secretAccessKey, @Nullable String sessionToken,
			String accountId, String arn) {
		checkNotEmpty(accessKeyId, "accessKeyId");
		checkNotEmpty(secretAccessKey, "secretAccessKey");
		checkNotEmpty(accountId, "accountId");
		checkNotEmpty(arn, "arn");
		this.sts.addCredentials(accessKeyId, secretAccessKey, sessionToken, accountId, arn);
	}

	/**
	 * Register an IAM role that callers of the {@link #stsEndpoint() STS endpoint} may
	 * assume with {@code AssumeRole} (any authenticated caller may, and for at most one
	 * hour, the default {@code MaxSessionDuration} of a role). The temporary credentials
	 * it issues are accepted by the STS endpoint and by the Infisical login until they
	 * expire by the server's clock; their caller is
	 * {@code arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION}.
	 * @param roleArn the role ARN, for example
	 * {@code arn:aws:iam::123456789012:role/app-role}
	 */
	public void addAwsRole(String roleArn) {
		checkNotEmpty(roleArn, "roleArn");
		this.sts.addRole(roleArn);
	}

	/**
	 * Return the endpoint of the server's stand-in for AWS STS, for the AWS SDK's
	 * {@code StsClient.builder().endpointOverride(...)} or its {@code aws.endpointUrlSts}
	 * system property. It answers {@code GetCallerIdentity} and {@code AssumeRole} in the
	 * AWS Query protocol, verifying SigV4 signatures (service {@code sts}, any region)
	 * against the credentials registered with {@link #addAwsCredentials} or issued by
	 * {@code AssumeRole}.
	 * @return the endpoint, the server's {@link #url()}
	 */
	public URI stsEndpoint() {
		return URI.create(url());
	}

	/**
	 * Add a machine identity with AWS IAM auth, or return the existing one.
	 * @param identityId the identity id
	 * @return the identity, to configure
	 */
	public IdentitySpec addIdentity(String identityId) {
		checkNotEmpty(identityId, "identityId");
		return this.identities.computeIfAbsent(identityId, (id) -> new IdentitySpec(id, this.store::changed));
	}

	/**
	 * Make a sub-organization slug known, so logins may scope to it with
	 * {@code organizationSlug} (current generation only; the 2024 server ignores the
	 * field).
	 * @param slug the sub-organization slug
	 */
	public void addOrganization(String slug) {
		checkNotEmpty(slug, "slug");
		this.organizations.add(slug);
	}

	/**
	 * Return a project of the secrets store, creating it if needed.
	 * @param projectId the project id
	 * @return the project
	 */
	public ProjectSpec project(String projectId) {
		checkNotEmpty(projectId, "projectId");
		return this.store.project(projectId);
	}

	/**
	 * Send a webhook notice about a folder now, to every webhook of its environment whose
	 * glob matches it (see {@link EnvironmentSpec#addWebhook}), whether or not anything
	 * changed there, and wait for the deliveries to end (at most the 15 second timeout).
	 * @param projectId the project id
	 * @param environment the environment slug
	 * @param secretPath the folder path
	 * @return the number of webhooks notified
	 */
	public int sendWebhooks(String projectId, String environment, String secretPath) {
		checkNotEmpty(projectId, "projectId");
		checkNotEmpty(environment, "environment");
		checkNotEmpty(secretPath, "secretPath");
		return this.webhookSender
			.sendNow(new WebhookSender.Location(projectId, environment, SecretStore.normalizePath(secretPath)));
	}

	/**
	 * Return the event-subscription streams of this server, to count them and to ping,
	 * drop, fail or refuse them.
	 * @return the event streams
	 */
	public EventStreams eventStreams() {
		return this.eventStreams;
	}

	/**
	 * Queue faults for requests whose path starts with the given prefix: each matching
	 * request consumes the next fault. Queued faults win over {@link #failAlways}.
	 * @param pathPrefix the path prefix, for example {@code /api/v1/auth/aws-auth/login}
	 * @param faults the faults, in order
	 */
	public void enqueueFaults(String pathPrefix, Fault... faults) {
		checkNotEmpty(pathPrefix, "pathPrefix");
		this.faults.enqueue(pathPrefix, List.of(faults));
	}

	/**
	 * Apply a fault to every request whose path starts with the given prefix, until
	 * {@link #clearFaults()}.
	 * @param pathPrefix the path prefix
	 * @param fault the fault
	 */
	public void failAlways(String pathPrefix, Fault fault) {
		checkNotEmpty(pathPrefix, "pathPrefix");
		if (fault == null) {
			throw new IllegalArgumentException("'fault' must not be null");
		}
		this.faults.always(pathPrefix, fault);
	}

	/**
	 * Remove all queued and permanent faults.
	 */
	public void clearFaults() {
		this.faults.clear();
	}

	/**
	 * Return the number of login requests received, including failed and faulted ones.
	 * @return the login count
	 */
	public int loginCount() {
		return this.loginCount.get();
	}

	/**
	 * Return the number of renew requests received, including failed and faulted ones.
	 * @return the renew count
	 */
	public int renewCount() {
		return this.renewCount.get();
	}

	/**
	 * Return the number of revoke requests received, including failed and faulted ones.
	 * @return the revoke count
	 */
	public int revokeCount() {
		return this.revokeCount.get();
	}

	/**
	 * Return the number of secret read requests received ({@code /api/v3/secrets/raw} and
	 * {@code /api/v4/secrets}, list and single), including failed, faulted and
	 * {@code 304} ones.
	 * @return the secret read count
	 */
	public int secretReadCount() {
		return this.secretReadCount.get();
	}

	/**
	 * Return the number of folder list requests received ({@code GET /api/v1/folders}),
	 * including failed, faulted and {@code 304} ones.
	 * @return the folder read count
	 */
	public int folderReadCount() {
		return this.folderReadCount.get();
	}

	/**
	 * Return the number of requests to the {@link #stsEndpoint() STS endpoint} for an
	 * action, including refused and faulted ones.
	 * @param action the action, for example {@code GetCallerIdentity} or
	 * {@code AssumeRole}
	 * @return the number of calls
	 */
	public int stsCallCount(String action) {
		AtomicInteger count = this.stsCallCounts.get(action);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Return the largest number of requests to a path that the server handled at the same
	 * time, faults (such as {@link Fault#delay delays}) included: {@code 1} proves that a
	 * client sent them one at a time.
	 * @param path the exact path, for example {@code /api/v1/auth/aws-auth/login}
	 * @return the highest concurrency seen, {@code 0} if none was received
	 */
	public int maxConcurrentRequests(String path) {
		int[] counts = this.concurrentRequests.get(path);
		if (counts == null) {
			return 0;
		}
		synchronized (counts) {
			return counts[1];
		}
	}

	void requestStarted(String path) {
		int[] counts = this.concurrentRequests.computeIfAbsent(path, (key) -> new int[2]);
		synchronized (counts) {
			counts[0]++;
			counts[1] = Math.max(counts[0], counts[1]);
		}
	}

	void requestEnded(String path) {
		int[] counts = this.concurrentRequests.get(path);
		if (counts != null) {
			synchronized (counts) {
				counts[0]--;
			}
		}
	}

	/**
	 * Return the latest requests received, oldest first. Only the latest
	 * {@link Builder#maxRecordedRequests(int) maxRecordedRequests} (1000 by default) are
	 * kept, so that a long-running server uses constant memory; the counters such as
	 * {@link #loginCount()} count every request.
	 * @return a snapshot of the recorded requests
	 */
	public List<RecordedRequest> requests() {
		synchronized (this.requests) {
			return List.copyOf(this.requests);
		}
	}

	/**
	 * Return the recorded requests whose path starts with the given prefix, oldest first.
	 * Only the latest requests are kept, as described for {@link #requests()}.
	 * @param pathPrefix the path prefix
	 * @return a snapshot of the matching requests
	 */
	public List<RecordedRequest> requests(String pathPrefix) {
		List<RecordedRequest> matching = new ArrayList<>();
		for (RecordedRequest request : requests()) {
			if (request.path().startsWith(pathPrefix)) {
				matching.add(request);
			}
		}
		return matching;
	}

	/**
	 * Forget the recorded requests and reset the counters.
	 */
	public void clearRequests() {
		synchronized (this.requests) {
			this.requests.clear();
		}
		this.loginCount.set(0);
		this.renewCount.set(0);
		this.revokeCount.set(0);
		this.secretReadCount.set(0);
		this.folderReadCount.set(0);
		this.stsCallCounts.clear();
		this.concurrentRequests.clear();
	}

	/**
	 * Return whether an access token would be accepted now: valid signature, JWT not
	 * expired, not revoked or deleted, inside its TTL window and max TTL, uses left. Does
	 * not use up a use.
	 * @param accessToken the access token
	 * @return whether the token is active
	 */
	public boolean isTokenActive(String accessToken) {
		return accessToken != null && this.tokens.isActive(accessToken);
	}

	/**
	 * Return what this server issued that must stay secret, for tests that check that
	 * nothing leaks: the access tokens of logins and renewals, and the secret access keys
	 * and session tokens of assumed roles. The latest 1000 are kept.
	 * @return a snapshot, oldest first
	 */
	public List<String> issuedCredentials() {
		synchronized (this.issuedCredentials) {
			return List.copyOf(this.issuedCredentials);
		}
	}

	void recordIssued(String credential) {
		synchronized (this.issuedCredentials) {
			this.issuedCredentials.addLast(credential);
			while (this.issuedCredentials.size() > 1000) {
				this.issuedCredentials.removeFirst();
			}
		}
	}

	/**
	 * Revoke every access token issued so far, as an administrator would.
	 */
	public void revokeAllTokens() {
		this.tokens.revokeAll();
	}

	Clock clock() {
		return this.clock;
	}

	FakeSecurityTokenService sts() {
		return this.sts;
	}

	AccessTokens tokens() {
		return this.tokens;
	}

	SecretStore store() {
		return this.store;
	}

	RenderedAnswers renderedAnswers() {
		return this.renderedAnswers;
	}

	Faults faults() {
		return this.faults;
	}

	/**
	 * Authenticate an API call by its {@code Authorization: Bearer} token, using one of
	 * the token's uses.
	 * @param request the request
	 * @return the identity the token belongs to
	 * @throws ApiError the 401 or 403 the server answers for a missing or refused token
	 */
	IdentitySpec authenticate(RecordedRequest request) {
		String authorization = request.header("Authorization");
		if (authorization == null || !authorization.startsWith(BEARER)) {
			throw ApiError.unauthorized("Token missing");
		}
		AccessTokens.TokenState token = this.tokens.authenticate(authorization.substring(BEARER.length()));
		IdentitySpec identity = this.identities.get(token.identityId);
		if (identity == null) {
			throw ApiError.unauthorized("No identity access token found");
		}
		return identity;
	}

	@Nullable IdentitySpec identity(String identityId) {
		return this.identities.get(identityId);
	}

	boolean hasOrganization(String slug) {
		return this.organizations.contains(slug);
	}

	void record(RecordedRequest request) {
		synchronized (this.requests) {
			if (this.maxRecordedRequests > 0) {
				if (this.requests.size() == this.maxRecordedRequests) {
					this.requests.removeFirst();
				}
				this.requests.addLast(request);
			}
		}
		String path = request.path();
		if (path.equals(LOGIN_PATH)) {
			this.loginCount.incrementAndGet();
		}
		else if (path.equals(RENEW_PATH)) {
			this.renewCount.incrementAndGet();
		}
		else if (path.equals(REVOKE_PATH)) {
			this.revokeCount.incrementAndGet();
		}
		else if ("GET".equals(request.method())
				&& (path.startsWith(SecretRoutes.V3_PATH) || path.startsWith(SecretRoutes.V4_PATH))) {
			this.secretReadCount.incrementAndGet();
		}
		else if ("GET".equals(request.method()) && path.equals(FolderRoutes.PATH)) {
			this.folderReadCount.incrementAndGet();
		}
		else if ("POST".equals(request.method()) && path.equals(StsRoutes.PATH)) {
			this.stsCallCounts.computeIfAbsent(StsRoutes.action(request), (action) -> new AtomicInteger())
				.incrementAndGet();
		}
	}

	private LoopbackHttpServer bind(int port) {
		return LoopbackHttpServer.start(port, this.sslContext, this.executor, this.handler, this.clock,
				this.idleTimeout);
	}

	private static void checkNotEmpty(@Nullable String value, String name) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("'" + name + "' must not be empty");
		}
	}

	@Override
	public String toString() {
		return "InfisicalTestServer[" + url() + ", " + this.generation + "]";
	}

	/**
	 * Builder for an {@link InfisicalTestServer}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private Generation generation = Generation.CURRENT;

		private Clock clock = Clock.systemUTC();

		private int port;

		private @Nullable SSLContext sslContext;

		private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

		private int maxRecordedRequests = DEFAULT_MAX_RECORDED_REQUESTS;

		private Duration webhookDelay = DEFAULT_WEBHOOK_DELAY;

		private Duration eventPingInterval = EventStreams.DEFAULT_PING_INTERVAL;

		private EventPayload eventPayload = EventPayload.SERVER_CODE;

		private EventMatching eventMatching = EventMatching.GLOB;

		private Builder() {
		}

		/**
		 * Serve HTTPS instead of HTTP, for tests of custom trust stores.
		 * @param sslContext the server's TLS context, holding its key and certificate
		 * @return this builder
		 */
		public Builder https(SSLContext sslContext) {
			if (sslContext == null) {
				throw new IllegalArgumentException("'sslContext' must not be null");
			}
			this.sslContext = sslContext;
			return this;
		}

		/**
		 * Set the server generation to behave like.
		 * @param generation the generation, {@link Generation#CURRENT} by default
		 * @return this builder
		 */
		public Builder generation(Generation generation) {
			if (generation == null) {
				throw new IllegalArgumentException("'generation' must not be null");
			}
			this.generation = generation;
			return this;
		}

		/**
		 * Set the clock for signature dates, token lifetimes and timestamps. A clock
		 * offset from the client's ({@link Clock#offset(Clock, Duration)}) plays a server
		 * whose clock is skewed.
		 * @param clock the clock, the system UTC clock by default
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			if (clock == null) {
				throw new IllegalArgumentException("'clock' must not be null");
			}
			this.clock = clock;
			return this;
		}

		/**
		 * Set the port to listen on.
		 * @param port the port, {@code 0} (the default) for a random free port
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("'port' must be between 0 and 65535");
			}
			this.port = port;
			return this;
		}

		/**
		 * Set how long a keep-alive connection may stay idle (or a client may take to
		 * send a request) before the server closes it, so that threads do not pile up.
		 * @param idleTimeout the timeout, 30 seconds by default
		 * @return this builder
		 */
		public Builder idleTimeout(Duration idleTimeout) {
			if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
				throw new IllegalArgumentException("'idleTimeout' must be positive");
			}
			this.idleTimeout = idleTimeout;
			return this;
		}

		/**
		 * Set how many of the latest requests {@link InfisicalTestServer#requests()}
		 * keeps. Older ones are forgotten, so that a long-running server (a soak test, a
		 * sample application) uses constant memory; the counters still count every
		 * request.
		 * @param maxRecordedRequests the number of requests to keep, 1000 by default,
		 * {@code 0} to record none
		 * @return this builder
		 */
		public Builder maxRecordedRequests(int maxRecordedRequests) {
			if (maxRecordedRequests < 0) {
				throw new IllegalArgumentException("'maxRecordedRequests' must not be negative");
			}
			this.maxRecordedRequests = maxRecordedRequests;
			return this;
		}

		/**
		 * Set how long the server waits after a secret changed before it sends the
		 * webhooks of the folder; changes at the same folder meanwhile go in the same
		 * notice.
		 * @param webhookDelay the delay, one second (as Infisical) by default,
		 * {@link Duration#ZERO} to send at once (still on a background thread)
		 * @return this builder
		 */
		public Builder webhookDelay(Duration webhookDelay) {
			if (webhookDelay == null || webhookDelay.isNegative()) {
				throw new IllegalArgumentException("'webhookDelay' must not be null or negative");
			}
			this.webhookDelay = webhookDelay;
			return this;
		}

		/**
		 * Set how often open event streams carry {@code event: ping}.
		 * @param eventPingInterval the interval, 15 seconds by default
		 * @return this builder
		 * @see EventStreams#ping()
		 */
		public Builder eventPingInterval(Duration eventPingInterval) {
			if (eventPingInterval == null || eventPingInterval.isNegative() || eventPingInterval.isZero()) {
				throw new IllegalArgumentException("'eventPingInterval' must be positive");
			}
			this.eventPingInterval = eventPingInterval;
			return this;
		}

		/**
		 * Set the shape of the {@code data:} of secret events on event streams.
		 * @param eventPayload the shape, {@link EventPayload#SERVER_CODE} by default
		 * @return this builder
		 */
		public Builder eventPayload(EventPayload eventPayload) {
			if (eventPayload == null) {
				throw new IllegalArgumentException("'eventPayload' must not be null");
			}
			this.eventPayload = eventPayload;
			return this;
		}

		/**
		 * Set how event streams match a registration's conditions against a change.
		 * @param eventMatching the matching, {@link EventMatching#GLOB} (current servers)
		 * by default
		 * @return this builder
		 */
		public Builder eventMatching(EventMatching eventMatching) {
			if (eventMatching == null) {
				throw new IllegalArgumentException("'eventMatching' must not be null");
			}
			this.eventMatching = eventMatching;
			return this;
		}

		/**
		 * Start the server.
		 * @return the running server
		 */
		public InfisicalTestServer start() {
			return new InfisicalTestServer(this);
		}

	}

}
