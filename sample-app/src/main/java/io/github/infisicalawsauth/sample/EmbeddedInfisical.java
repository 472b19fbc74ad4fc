package io.github.infisicalawsauth.sample;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The in-process Infisical the demo uses when no real server is configured: a test server
 * whose fake STS accepts demo AWS credentials, a machine identity with a short TTL so
 * that renewals show in the log, and a demo project with a few secrets.
 *
 * @author Infisical AWS Auth contributors
 */
final class EmbeddedInfisical {

	static final String IDENTITY_ID = "00000000-demo-4000-8000-sampleidentity";

	static final String PRINCIPAL_ARN = "arn:aws:sts::111122223333:assumed-role/sample-app/demo-session";

	static final String PROJECT_ID = "demo-project";

	/**
	 * The property that chooses how the embedded server tells the sample about a change.
	 */
	static final String PUSH_PROPERTY = "sample.push";

	// demo value: the key the embedded server signs its webhooks with
	static final String DEMO_WEBHOOK_KEY = "demo-webhook-signing-key";

	private static final Log logger = LogFactory.getLog(EmbeddedInfisical.class);

	// demo values, valid only for the embedded server
	private static final AwsSessionCredentials DEMO_CREDENTIALS = AwsSessionCredentials.create("ASIADEMOACCESSKEY001",
			"demo-secret-access-key-for-the-embedded-server", "demo-session-token");

	private final InfisicalTestServer server;

	private final AtomicInteger edits = new AtomicInteger();

	private EmbeddedInfisical(InfisicalTestServer server) {
		this.server = server;
	}

	static boolean realServerConfigured(String[] args) {
		if (aotProcessing()) {
			// the build processes the sample against the embedded server, whatever
			// the developer's environment names: no network, no real credentials
			return false;
		}
		return System.getenv("INFISICAL_SITE_URL") != null || System.getProperty("infisical.site-url") != null
				|| Arrays.stream(args).anyMatch((arg) -> arg.startsWith("--infisical.site-url="));
	}

	// set while Spring Boot's process-aot runs the main method at build time
	private static boolean aotProcessing() {
		return Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING);
	}

	static EmbeddedInfisical start() {
		InfisicalTestServer server = InfisicalTestServer.start();
		server.addAwsCredentials(DEMO_CREDENTIALS.accessKeyId(), DEMO_CREDENTIALS.secretAccessKey(),
				DEMO_CREDENTIALS.sessionToken(), "111122223333", PRINCIPAL_ARN);
		server.addIdentity(IDENTITY_ID)
			.allowedAccounts("111122223333")
			.allowedPrincipalArns("arn:aws:iam::111122223333:role/sample-app")
			.accessTokenTtl(Duration.ofSeconds(20))
			.accessTokenMaxTtl(Duration.ofSeconds(50))
			.canReadProject(PROJECT_ID);
		server.project(PROJECT_ID)
			.environment("dev")
			.folder("/")
			.secret("GREETING", "Hello from the embedded Infisical")
			.secret("DB_PASSWORD", "demo-db-password");
		logger.info("Started an embedded Infisical test server at " + server.url() + " (set INFISICAL_SITE_URL "
				+ "to use a real Infisical); AWS principal " + PRINCIPAL_ARN);
		return new EmbeddedInfisical(server);
	}

	void configure(SpringApplication application) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("infisical.site-url", this.server.url());
		properties.put("infisical.aws-auth.identity-id", IDENTITY_ID);
		properties.put("infisical.aws-auth.region", "us-east-1");
		properties.put("infisical.token.refresh-before-expiry", "5s");
		properties.put("infisical.secrets.project-id", PROJECT_ID);
		properties.put("infisical.secrets.environment", "dev");
		properties.put("spring.config.import", "infisical:");
		// as soon as the environment exists, before config data reads it
		application.addListeners(new DemoProperties(properties, aotProcessing()));
		// the server's dispatcher thread would keep a failed start's JVM alive
		application.addListeners((ApplicationListener<ApplicationFailedEvent>) (event) -> this.server.close());
		AwsCredentialsProvider credentials = StaticCredentialsProvider.create(DEMO_CREDENTIALS);
		// config data loading runs before any bean exists: it finds the credentials
		// here
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				BootstrapRegistry.InstanceSupplier.of(credentials)));
		application.addInitializers((context) -> {
			context.getBeanFactory().registerSingleton("demoAwsCredentialsProvider", credentials);
			context.getBeanFactory().registerSingleton("embeddedInfisical", this);
			ScheduledExecutorService operator = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "demo-operator");
				thread.setDaemon(true);
				return thread;
			});
			// plays an operator who edits GREETING in Infisical now and then
			operator.scheduleWithFixedDelay(this::changeGreeting, 30, 30, TimeUnit.SECONDS);
			Push push = Push.of(context.getEnvironment());
			logger.info("Demo: changes reach the sample by " + push.name().toLowerCase(Locale.ROOT)
					+ " (--sample.push=stream|webhook|poll)");
			context.addApplicationListener((event) -> {
				if (event instanceof WebServerInitializedEvent initialized && push == Push.WEBHOOK
						&& initialized.getApplicationContext() == context) {
					addWebhook(context.getEnvironment(), initialized.getWebServer().getPort());
				}
				if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
					operator.shutdownNow();
					this.server.close();
				}
			});
		});
	}

	void changeGreeting() {
		int edit = this.edits.incrementAndGet();
		this.server.project(PROJECT_ID)
			.environment("dev")
			.folder("/")
			.secret("GREETING", "Hello from the embedded Infisical, edit " + edit);
		logger.info("Demo: changed the secret GREETING in the embedded Infisical (edit " + edit + ")");
	}

	// plays the operator who adds a webhook in the project's settings (Integrations >
	// Webhooks), pointed at this application
	private void addWebhook(ConfigurableEnvironment environment, int port) {
		String path = environment.getProperty("infisical.secrets.webhook.path", "/infisical/webhook");
		URI url = URI.create("http://127.0.0.1:" + port + path);
		this.server.project(PROJECT_ID).environment("dev").addWebhook(url, "/**", DEMO_WEBHOOK_KEY);
		logger.info("Demo: the embedded Infisical sends a signed webhook to " + url
				+ " after each change of the demo project's dev environment");
	}

	InfisicalTestServer server() {
		return this.server;
	}

	/**
	 * How the embedded server tells the sample that a secret changed, chosen with
	 * {@code --sample.push} (or {@code SAMPLE_PUSH}).
	 */
	enum Push {

		/**
		 * The sample subscribes to the server's event stream (the default): a change
		 * arrives within about a second, polling every minute is the safety net.
		 */
		STREAM("true", "60s"),

		/**
		 * The server posts a signed webhook to the sample's {@code /infisical/webhook}: a
		 * change arrives within about a second (the server waits 1 s to coalesce changes,
		 * as Infisical does), polling every minute is the safety net.
		 */
		WEBHOOK("false", "60s"),

		/**
		 * No push: the sample reads again every 5 seconds.
		 */
		POLL("false", "5s");

		private final String eventsEnabled;

		private final String refreshInterval;

		Push(String eventsEnabled, String refreshInterval) {
			this.eventsEnabled = eventsEnabled;
			this.refreshInterval = refreshInterval;
		}

		static Push of(ConfigurableEnvironment environment) {
			String value = environment.getProperty(PUSH_PROPERTY, "stream").trim();
			try {
				return valueOf(value.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"'" + PUSH_PROPERTY + "' must be one of stream, webhook or poll, not '" + value + "'", ex);
			}
		}

		void addProperties(Map<String, Object> properties) {
			properties.put("infisical.secrets.events.enabled", this.eventsEnabled);
			properties.put("infisical.secrets.refresh-interval", this.refreshInterval);
			if (this == WEBHOOK) {
				properties.put("infisical.secrets.webhook.secret-key", DEMO_WEBHOOK_KEY);
			}
		}

	}

	/**
	 * Adds the demo's settings as soon as the environment exists, before config data
	 * reads them: as defaults that the application's own configuration overrides, or,
	 * while the build processes the sample ahead of time, before all others.
	 */
	private static final class DemoProperties
			implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

		private final Map<String, Object> properties;

		private final boolean overriding;

		DemoProperties(Map<String, Object> properties, boolean overriding) {
			this.properties = properties;
			this.overriding = overriding;
		}

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			ConfigurableEnvironment environment = event.getEnvironment();
			Push push = Push.of(environment);
			Map<String, Object> properties = new LinkedHashMap<>(this.properties);
			push.addProperties(properties);
			if (this.overriding) {
				// the settings of the server started here win over the environment,
				// which may name a real Infisical (README: INFISICAL_SITE_URL, ...)
				environment.getPropertySources().addFirst(new MapPropertySource("embeddedInfisical", properties));
			}
			else {
				DefaultPropertiesPropertySource.addOrMerge(properties, environment.getPropertySources());
			}
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
