package io.github.infisicalawsauth.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the Infisical login with AWS IAM and of the secrets it reads.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@ConfigurationProperties(InfisicalProperties.PREFIX)
public class InfisicalProperties {

	/**
	 * Prefix of all properties.
	 */
	public static final String PREFIX = "infisical";

	/**
	 * Whether to log in to Infisical and read secrets.
	 */
	private boolean enabled = true;

	/**
	 * URL of the Infisical site: Infisical Cloud (US or EU) or a self-hosted server. A
	 * trailing '/' or '/api' is tolerated.
	 */
	private String siteUrl = "https://app.infisical.com";

	/**
	 * Slug of the sub-organization to scope the login to.
	 */
	private @Nullable String organizationSlug;

	/**
	 * Whether plain http is accepted for a host that is not loopback. Tokens then travel
	 * unencrypted.
	 */
	private boolean allowInsecureHttp;

	/**
	 * Timeout for establishing a connection to Infisical.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Timeout for reading an answer from Infisical.
	 */
	private Duration readTimeout = Duration.ofSeconds(10);

	/**
	 * Largest answer read from Infisical; a larger one fails the call instead of filling
	 * the heap.
	 */
	private DataSize maxResponseSize = DataSize.ofMegabytes(8);

	private final Ssl ssl = new Ssl();

	private final AwsAuth awsAuth = new AwsAuth();

	private final Token token = new Token();

	private final Retry retry = new Retry();

	private final Secrets secrets = new Secrets();

	private final LoggingGuard loggingGuard = new LoggingGuard();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getSiteUrl() {
		return this.siteUrl;
	}

	public void setSiteUrl(String siteUrl) {
		this.siteUrl = siteUrl;
	}

	public @Nullable String getOrganizationSlug() {
		return this.organizationSlug;
	}

	public void setOrganizationSlug(@Nullable String organizationSlug) {
		this.organizationSlug = organizationSlug;
	}

	public boolean isAllowInsecureHttp() {
		return this.allowInsecureHttp;
	}

	public void setAllowInsecureHttp(boolean allowInsecureHttp) {
		this.allowInsecureHttp = allowInsecureHttp;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public DataSize getMaxResponseSize() {
		return this.maxResponseSize;
	}

	public void setMaxResponseSize(DataSize maxResponseSize) {
		this.maxResponseSize = maxResponseSize;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public AwsAuth getAwsAuth() {
		return this.awsAuth;
	}

	public Token getToken() {
		return this.token;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Secrets getSecrets() {
		return this.secrets;
	}

	public LoggingGuard getLoggingGuard() {
		return this.loggingGuard;
	}

	/**
	 * TLS settings.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle ('spring.ssl.bundle.*') whose trust material verifies
		 * the Infisical server, for self-hosted servers with a private CA.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * AWS IAM login settings.
	 */
	public static class AwsAuth {

		/**
		 * Id of the Infisical machine identity that has AWS auth configured.
		 */
		private @Nullable String identityId;

		/**
		 * AWS region whose STS endpoint signs the login. Defaults to the AWS SDK region
		 * chain (AWS_REGION, profile, instance metadata).
		 */
		private @Nullable String region;

		/**
		 * Name of the AWS profile (shared config and credentials files) whose credentials
		 * sign the login, instead of the AWS SDK default credentials chain. Applies when
		 * the application registers no AwsCredentialsProvider of its own.
		 */
		private @Nullable String profile;

		/**
		 * ARN of an IAM role to assume with STS before signing the login, on top of the
		 * profile or the default credentials chain.
		 */
		private @Nullable String roleArn;

		/**
		 * Session name of the assumed role; it shows in the principal ARN that Infisical
		 * sees and in CloudTrail.
		 */
		private String roleSessionName = "infisical-aws-auth";

		/**
		 * Whether a login that AWS STS refuses is checked by asking STS directly from
		 * this host (GetCallerIdentity with the same credentials, at most once a minute
		 * and for 3 seconds), to tell bad credentials from an Infisical server that
		 * cannot reach STS.
		 */
		private boolean verifyWithSts = true;

		public @Nullable String getIdentityId() {
			return this.identityId;
		}

		public void setIdentityId(@Nullable String identityId) {
			this.identityId = identityId;
		}

		public @Nullable String getRegion() {
			return this.region;
		}

		public void setRegion(@Nullable String region) {
			this.region = region;
		}

		public @Nullable String getProfile() {
			return this.profile;
		}

		public void setProfile(@Nullable String profile) {
			this.profile = profile;
		}

		public @Nullable String getRoleArn() {
			return this.roleArn;
		}

		public void setRoleArn(@Nullable String roleArn) {
			this.roleArn = roleArn;
		}

		public String getRoleSessionName() {
			return this.roleSessionName;
		}

		public void setRoleSessionName(String roleSessionName) {
			this.roleSessionName = roleSessionName;
		}

		public boolean isVerifyWithSts() {
			return this.verifyWithSts;
		}

		public void setVerifyWithSts(boolean verifyWithSts) {
			this.verifyWithSts = verifyWithSts;
		}

	}

	/**
	 * Access token lifecycle settings.
	 */
	public static class Token {

		/**
		 * Whether to revoke the access token when the application context closes.
		 */
		private boolean revokeOnShutdown;

		/**
		 * How long before expiry the token is renewed or replaced; capped at a third of
		 * the token's life.
		 */
		private Duration refreshBeforeExpiry = Duration.ofMinutes(1);

		/**
		 * How long a caller of InfisicalTokenProvider.getToken() waits for a login when
		 * no valid token is held before it fails; the login goes on in the background.
		 */
		private Duration maxWait = Duration.ofSeconds(5);

		/**
		 * Whether the application fails to start when the first login fails. When false,
		 * the failure is logged and the login retried in the background.
		 */
		private boolean failFast = true;

		public boolean isRevokeOnShutdown() {
			return this.revokeOnShutdown;
		}

		public void setRevokeOnShutdown(boolean revokeOnShutdown) {
			this.revokeOnShutdown = revokeOnShutdown;
		}

		public Duration getRefreshBeforeExpiry() {
			return this.refreshBeforeExpiry;
		}

		public void setRefreshBeforeExpiry(Duration refreshBeforeExpiry) {
			this.refreshBeforeExpiry = refreshBeforeExpiry;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

		public boolean isFailFast() {
			return this.failFast;
		}

		public void setFailFast(boolean failFast) {
			this.failFast = failFast;
		}

	}

	/**
	 * Retry settings for transient failures (network errors, HTTP 5xx and 429).
	 */
	public static class Retry {

		/**
		 * Wait after the first failure.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Longest wait between two attempts.
		 */
		private Duration maxInterval = Duration.ofSeconds(30);

		/**
		 * Factor by which the wait grows after each failure.
		 */
		private double multiplier = 2;

		/**
		 * How long startup waits for the first login, retrying transient failures, before
		 * it fails; also the time budget of a secrets read's retries.
		 */
		private Duration maxElapsedTime = Duration.ofMinutes(1);

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxElapsedTime() {
			return this.maxElapsedTime;
		}

		public void setMaxElapsedTime(Duration maxElapsedTime) {
			this.maxElapsedTime = maxElapsedTime;
		}

	}

	/**
	 * Secrets read with 'spring.config.import=infisical:'.
	 */
	public static class Secrets {

		/**
		 * Id of the Infisical project to read secrets from, unless an import names its
		 * own with '?project-id='.
		 */
		private @Nullable String projectId;

		/**
		 * Slug of the environment to read secrets from (for example 'dev' or 'prod'),
		 * unless an import names its own with '?environment='.
		 */
		private @Nullable String environment;

		/**
		 * Folder path to read when an import names none ('infisical:').
		 */
		private String path = "/";

		/**
		 * Whether secrets of sub-folders are read too.
		 */
		private boolean recursive;

		/**
		 * Whether secrets that a folder imports from other folders are included; the
		 * folder's own secrets win over imported ones, later imports over earlier ones.
		 */
		private boolean includeImports = true;

		/**
		 * Whether Infisical expands secret references such as '${OTHER_KEY}' before
		 * answering.
		 */
		private boolean expandReferences = true;

		/**
		 * How often imported locations are checked for changes. Not set: no polling.
		 */
		private @Nullable Duration refreshInterval;

		private final Events events = new Events();

		private final Webhook webhook = new Webhook();

		private final Bus bus = new Bus();

		public @Nullable String getProjectId() {
			return this.projectId;
		}

		public void setProjectId(@Nullable String projectId) {
			this.projectId = projectId;
		}

		public @Nullable String getEnvironment() {
			return this.environment;
		}

		public void setEnvironment(@Nullable String environment) {
			this.environment = environment;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public boolean isRecursive() {
			return this.recursive;
		}

		public void setRecursive(boolean recursive) {
			this.recursive = recursive;
		}

		public boolean isIncludeImports() {
			return this.includeImports;
		}

		public void setIncludeImports(boolean includeImports) {
			this.includeImports = includeImports;
		}

		public boolean isExpandReferences() {
			return this.expandReferences;
		}

		public void setExpandReferences(boolean expandReferences) {
			this.expandReferences = expandReferences;
		}

		public @Nullable Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(@Nullable Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public Events getEvents() {
			return this.events;
		}

		/**
		 * Event subscriptions: a stream per project on which Infisical announces changes.
		 */
		public static class Events {

			/**
			 * Whether to open an event subscription per imported project, so that changes
			 * are read as Infisical announces them: 'auto' where the server offers them
			 * and polling alone otherwise, 'true' to fail startup without them, 'false'
			 * never.
			 */
			private Enabled enabled = Enabled.AUTO;

			/**
			 * How long an event stream may stay silent, pings included, before it is
			 * taken for dead and opened again.
			 */
			private Duration idleTimeout = Duration.ofSeconds(60);

			public Enabled getEnabled() {
				return this.enabled;
			}

			public void setEnabled(Enabled enabled) {
				this.enabled = enabled;
			}

			public Duration getIdleTimeout() {
				return this.idleTimeout;
			}

			public void setIdleTimeout(Duration idleTimeout) {
				this.idleTimeout = idleTimeout;
			}

			/**
			 * Whether event subscriptions are used.
			 */
			public enum Enabled {

				/**
				 * Where the server offers them; polling alone where it answers 404, 402
				 * or 403.
				 */
				AUTO,

				/**
				 * Always: startup fails where the server refuses them.
				 */
				TRUE,

				/**
				 * Never.
				 */
				FALSE

			}

		}

		public Webhook getWebhook() {
			return this.webhook;
		}

		public Bus getBus() {
			return this.bus;
		}

		/**
		 * Endpoint that Infisical's webhooks call when secrets change.
		 */
		public static class Webhook {

			/**
			 * Secret key of the Infisical webhook, which signs its notices; setting it
			 * serves the webhook endpoint.
			 */
			private @Nullable String secretKey;

			/**
			 * Path of the webhook endpoint, under the context path.
			 */
			private String path = "/infisical/webhook";

			/**
			 * How far the timestamp of a notice may lie from this host's clock before the
			 * notice is refused as stale.
			 */
			private Duration tolerance = Duration.ofMinutes(5);

			public @Nullable String getSecretKey() {
				return this.secretKey;
			}

			public void setSecretKey(@Nullable String secretKey) {
				this.secretKey = secretKey;
			}

			public String getPath() {
				return this.path;
			}

			public void setPath(String path) {
				this.path = path;
			}

			public Duration getTolerance() {
				return this.tolerance;
			}

			public void setTolerance(Duration tolerance) {
				this.tolerance = tolerance;
			}

		}

		/**
		 * Fan-out of webhook notices to every instance with Spring Cloud Bus.
		 */
		public static class Bus {

			/**
			 * Longest random wait before each instance, the one that received the webhook
			 * included, reads the secrets that a webhook notice announces when Spring
			 * Cloud Bus passes notices on, so that a fleet does not read at the same
			 * instant.
			 */
			private Duration spread = Duration.ofSeconds(2);

			public Duration getSpread() {
				return this.spread;
			}

			public void setSpread(Duration spread) {
				this.spread = spread;
			}

		}

	}

	/**
	 * Guard of the loggers that print credentials at DEBUG.
	 */
	public static class LoggingGuard {

		/**
		 * Whether the loggers that print credentials at DEBUG (AWS SDK signers, Apache
		 * HttpClient wire and headers, JDK HTTP client debug) are capped at INFO when
		 * 'logging.level' sets no level for them or their parents.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
