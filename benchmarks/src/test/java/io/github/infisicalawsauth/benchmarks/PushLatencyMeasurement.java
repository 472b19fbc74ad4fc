package io.github.infisicalawsauth.benchmarks;

import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.autoconfigure.config.SecretChangeBenchmark;
import io.github.infisicalawsauth.test.FolderSpec;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * How long a change saved in Infisical takes to become the value the application's
 * {@code Environment} answers, and how many reads of Infisical it costs, for polling and
 * the two push channels, measured in the same run.
 * <p>
 * Three Spring applications run in this JVM, each importing the same 10-secret folder
 * from an in-process test server of its own (current generation, so that each server's
 * read count is one application's): one polls every 5 s; one receives the server's signed
 * webhooks (Tomcat on a free port; the server waits 1 s before it sends, as Infisical
 * does); one subscribes to the server's event stream. The push applications poll every 10
 * minutes as their net, which never comes round within the run. For each change the three
 * servers get the same new value of {@code KEY_00001}, each timed from just before its
 * own change, and a loop checks the three {@code Environment}s every millisecond until
 * each answers the new value. Between changes a random pause of 0 to 5 s puts the change
 * at a random point of the poll schedule.
 * <p>
 * Arguments: {@code --out=FILE [--changes=N]} (20 changes by default). Writes JSON: per
 * mode, the latencies in milliseconds, the reads the server served during the changes,
 * and the run's duration.
 *
 * @author Infisical AWS Auth contributors
 */
public final class PushLatencyMeasurement {

	private static final String CHANGED_KEY = "KEY_00001";

	private static final String WEBHOOK_KEY = "benchmark-webhook-signing-key";

	private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);

	private PushLatencyMeasurement() {
	}

	public static void main(String[] args) throws Exception {
		String out = null;
		int changes = 20;
		for (String arg : args) {
			if (arg.startsWith("--out=")) {
				out = arg.substring("--out=".length());
			}
			else if (arg.startsWith("--changes=")) {
				changes = Integer.parseInt(arg.substring("--changes=".length()));
			}
			else {
				throw new IllegalArgumentException("Unknown argument '" + arg + "'; use --out=FILE and --changes=N");
			}
		}
		if (out == null) {
			throw new IllegalArgumentException("--out=FILE is required");
		}
		Map<Mode, Instance> instances = new EnumMap<>(Mode.class);
		try {
			for (Mode mode : Mode.values()) {
				instances.put(mode, Instance.start(mode));
			}
			Map<String, Object> result = measure(instances, changes);
			JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValue(new File(out), result);
		}
		finally {
			instances.values().forEach(Instance::close);
		}
		System.exit(0);
	}

	private static Map<String, Object> measure(Map<Mode, Instance> instances, int changes) throws Exception {
		Random random = new Random(20261207);
		Map<Mode, List<Double>> latencies = new EnumMap<>(Mode.class);
		Map<Mode, Integer> readsBefore = new EnumMap<>(Mode.class);
		instances.forEach((mode, instance) -> {
			latencies.put(mode, new ArrayList<>());
			readsBefore.put(mode, instance.server.secretReadCount());
		});
		long started = System.nanoTime();
		for (int change = 1; change <= changes; change++) {
			Thread.sleep(random.nextInt(5000));
			String value = "change-" + change + "-" + "x".repeat(BenchmarkFixtures.VALUE_LENGTH - 20);
			Map<Mode, Long> changedAt = new EnumMap<>(Mode.class);
			for (Map.Entry<Mode, Instance> entry : instances.entrySet()) {
				changedAt.put(entry.getKey(), System.nanoTime());
				entry.getValue().folder.secret(CHANGED_KEY, value);
			}
			Map<Mode, Long> visibleAt = new EnumMap<>(Mode.class);
			long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
			while (visibleAt.size() < instances.size()) {
				for (Map.Entry<Mode, Instance> entry : instances.entrySet()) {
					if (!visibleAt.containsKey(entry.getKey())
							&& value.equals(entry.getValue().environment.getProperty(CHANGED_KEY))) {
						visibleAt.put(entry.getKey(), System.nanoTime());
					}
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("change " + change + " not visible within " + VISIBLE_TIMEOUT
							+ " by "
							+ instances.keySet().stream().filter((mode) -> !visibleAt.containsKey(mode)).toList());
				}
				Thread.sleep(1);
			}
			visibleAt.forEach((mode, at) -> latencies.get(mode)
				.add((at - changedAt.get(mode)) / (double) TimeUnit.MILLISECONDS.toNanos(1)));
			System.out.println("change " + change + ": " + latencies.entrySet()
				.stream()
				.map((entry) -> entry.getKey().id + " "
						+ String.format(Locale.ROOT, "%.0f ms", entry.getValue().get(entry.getValue().size() - 1)))
				.toList());
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		Map<String, Object> modes = new LinkedHashMap<>();
		instances.forEach((mode, instance) -> {
			Map<String, Object> measured = new LinkedHashMap<>();
			measured.put("description", mode.description);
			measured.put("refreshInterval", mode.refreshInterval);
			measured.put("latenciesMs", latencies.get(mode));
			measured.put("reads", instance.server.secretReadCount() - readsBefore.get(mode));
			measured.put("eventStreamsOpen", instance.server.eventStreams().openCount());
			modes.put(mode.id, measured);
		});
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("changes", changes);
		result.put("seconds", seconds);
		result.put("webhookDelayMs", 1000);
		result.put("modes", modes);
		return result;
	}

	enum Mode {

		POLL("poll", "polling every 5 s", "5s", "false", false),

		WEBHOOK("webhook", "webhook (polling every 10 min as the net)", "10m", "false", true),

		STREAM("stream", "event stream (polling every 10 min as the net)", "10m", "true", false);

		private final String id;

		private final String description;

		private final String refreshInterval;

		private final String eventsEnabled;

		private final boolean webhook;

		Mode(String id, String description, String refreshInterval, String eventsEnabled, boolean webhook) {
			this.id = id;
			this.description = description;
			this.refreshInterval = refreshInterval;
			this.eventsEnabled = eventsEnabled;
			this.webhook = webhook;
		}

	}

	private record Instance(InfisicalTestServer server, FolderSpec folder, ConfigurableApplicationContext context,
			ConfigurableEnvironment environment) {

		static Instance start(Mode mode) throws InterruptedException {
			InfisicalTestServer server = InfisicalTestServer.start();
			BenchmarkFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
			FolderSpec folder = BenchmarkFixtures.fill(server, BenchmarkFixtures.FOLDER, 10);
			ConfigurableApplicationContext context = application(server, mode).run();
			if (mode.webhook) {
				String port = context.getEnvironment().getProperty("local.server.port");
				server.project(BenchmarkFixtures.PROJECT_ID)
					.environment(BenchmarkFixtures.ENVIRONMENT)
					.addWebhook(URI.create("http://127.0.0.1:" + port + "/infisical/webhook"), "/**", WEBHOOK_KEY);
			}
			if (mode == Mode.STREAM) {
				long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
				// the stream has no replay: once open, the application reads the folder
				// again, which is its start's cost, not a change's
				while (server.eventStreams().openCount() == 0 || server.secretReadCount() < 2) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("no event stream opened, or no read after it opened");
					}
					Thread.sleep(10);
				}
			}
			return new Instance(server, folder, context, context.getEnvironment());
		}

		private static SpringApplication application(InfisicalTestServer server, Mode mode) {
			SpringApplication application = new SpringApplication(SecretChangeBenchmark.ImportingApplication.class);
			application.setWebApplicationType(mode.webhook ? WebApplicationType.SERVLET : WebApplicationType.NONE);
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("infisical.site-url", server.url());
			properties.put("infisical.aws-auth.identity-id", BenchmarkFixtures.IDENTITY_ID);
			properties.put("infisical.aws-auth.region", "us-east-1");
			properties.put("infisical.secrets.project-id", BenchmarkFixtures.PROJECT_ID);
			properties.put("infisical.secrets.environment", BenchmarkFixtures.ENVIRONMENT);
			properties.put("infisical.secrets.refresh-interval", mode.refreshInterval);
			properties.put("infisical.secrets.events.enabled", mode.eventsEnabled);
			if (mode.webhook) {
				properties.put("infisical.secrets.webhook.secret-key", WEBHOOK_KEY);
				properties.put("server.port", "0");
			}
			properties.put("spring.config.import", "infisical:" + BenchmarkFixtures.FOLDER);
			properties.put("spring.main.banner-mode", "off");
			properties.put("logging.level.root", "warn");
			application.setDefaultProperties(properties);
			AwsCredentialsProvider credentials = BenchmarkFixtures.credentials();
			application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
					BootstrapRegistry.InstanceSupplier.of(credentials)));
			return application;
		}

		void close() {
			this.context.close();
			this.server.close();
		}

	}

}
