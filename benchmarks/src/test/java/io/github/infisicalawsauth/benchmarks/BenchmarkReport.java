package io.github.infisicalawsauth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code docs/benchmarks.md} from the results of one run of
 * {@code benchmarks/run.sh}: JMH's JSON files, the startup, footprint and push
 * measurements. Every figure stands next to its baseline from the same run, and each goal
 * of issue 8 next to the figure that judges it.
 * <p>
 * Arguments: {@code --results=DIR --out=FILE --command=... --mode=full|quick
 * --started=... --finished=... --load-before=... --load-after=...}.
 *
 * @author Infisical AWS Auth contributors
 */
public final class BenchmarkReport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String TOKEN = "io.github.infisicalawsauth.token.TokenProviderBenchmark.";

	private static final String SECRETS = "io.github.infisicalawsauth.secrets.SecretsClientBenchmark.";

	private static final String CHANGE = "io.github.infisicalawsauth.autoconfigure.config.SecretChangeBenchmark.";

	private static final int[] THREADS = { 1, 2, 8 };

	private static final int[] FOLDERS = { 10, 1000, 10000 };

	private static final String[] VARIANTS = { "plain", "disabled", "login", "import" };

	private final Map<String, String> options;

	private final List<JsonNode> jmh = new ArrayList<>();

	private final JsonNode footprint;

	private final JsonNode startup;

	private final JsonNode push;

	private final List<String[]> goals = new ArrayList<>();

	private final List<String[]> pushGoals = new ArrayList<>();

	private final StringBuilder out = new StringBuilder();

	private BenchmarkReport(Map<String, String> options) throws IOException {
		this.options = options;
		Path results = Path.of(options.get("results"));
		try (var files = Files.list(results)) {
			for (Path file : files.filter((path) -> path.getFileName().toString().matches("jmh-.*\\.json"))
				.sorted()
				.toList()) {
				JSON.readTree(file.toFile()).forEach(this.jmh::add);
			}
		}
		this.footprint = JSON.readTree(results.resolve("footprint.json").toFile());
		this.startup = JSON.readTree(results.resolve("startup.json").toFile());
		Path push = results.resolve("push.json");
		this.push = Files.exists(push) ? JSON.readTree(push.toFile()) : JSON.createObjectNode();
	}

	public static void main(String[] args) throws IOException {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			options.put(arg.substring(2, equals), arg.substring(equals + 1));
		}
		BenchmarkReport report = new BenchmarkReport(options);
		String markdown = report.write();
		Path out = Path.of(options.get("out"));
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, markdown);
	}

	private String write() throws IOException {
		String tokens = tokenSection();
		String secrets = secretsSection();
		String change = changeSection();
		String pushSection = pushSection();
		String startupSection = startupSection();
		String server = serverSection();
		line("# Benchmarks");
		line();
		line("Written by `benchmarks/run.sh` (do not edit by hand): the goals of issue 8 measured on the code as "
				+ "committed; the run before its optimisations is kept in [benchmarks-baseline.md](benchmarks-baseline.md). "
				+ "Every figure stands next to its baseline from the same run; absolute times move "
				+ "with the machine's load, the ratios much less.");
		line();
		line("| | |");
		line("|---|---|");
		line("| date | " + this.options.get("started") + " to " + this.options.get("finished") + " |");
		line("| machine | " + machine() + " |");
		line("| JDK of the JMH runs | " + jmhJdk() + " |");
		line("| JDKs of the startup runs | " + String.join(", ", startupJdks()) + " |");
		line("| load average (1, 5, 15 min) | before " + this.options.get("load-before") + ", after "
				+ this.options.get("load-after") + " (the machine is shared) |");
		line("| mode | " + this.options.get("mode") + " (" + jmhSettings() + ") |");
		line("| reproduce | `" + this.options.get("command") + "` from the repository root (only a JDK 17+ needed; "
				+ "`--quick` for a short run) |");
		line();
		line("## Goals of issue 8");
		line();
		line("| goal | measured | |");
		line("|---|---|---|");
		for (String[] goal : this.goals) {
			line("| " + goal[0] + " | " + goal[1] + " | " + goal[2] + " |");
		}
		line();
		line("Not measured here: that `getToken()` never hands out an expired token (a test's job), and that the "
				+ "sample's heap stays flat over weeks (a soak test's).");
		line();
		line("## Goals of issue 14");
		line();
		line("| goal | measured | |");
		line("|---|---|---|");
		for (String[] goal : this.pushGoals) {
			line("| " + goal[0] + " | " + goal[1] + " | " + goal[2] + " |");
		}
		line();
		this.out.append(tokens)
			.append(secrets)
			.append(change)
			.append(pushSection)
			.append(startupSection)
			.append(server);
		line("## How it is measured");
		line();
		line("- JMH " + jmhVersion() + ", one fork per benchmark, average time; `-prof gc` for `gc.alloc.rate.norm` "
				+ "(bytes allocated per operation by every thread of the JVM).");
		line("- Client allocation (`getSecrets()`, the change, the raw GET): a JMH profiler of this module "
				+ "(`ClientAllocationProfiler`) that sums the per-thread allocation counters of every thread except "
				+ "the in-process test server's (`infisical-test-server-*`), so the server's rendering and writing of "
				+ "the answer is not counted, the JDK `HttpClient`'s own threads are.");
		line("- Retained bytes: JOL " + "`GraphLayout.parseInstance(...)` over everything the property source's fields "
				+ "reach, each object counted once, sizes as this JVM lays them out, plus the property source object "
				+ "itself; the commons-logging `Log` that Spring's `PropertySource` keeps per instance is left out "
				+ "(it leads to the logging system every class shares). Baselines: a `LinkedHashMap` of copies of the "
				+ "same keys and values (what a plain `MapPropertySource` holds) and the text itself (one byte per "
				+ "character, as compact strings store it).");
		line("- Startup: `StartupApplication`, a Spring Boot application without web server or beans of its own, "
				+ "launched as a new JVM per run with the default JVM options; timed from just before the launch to "
				+ "the line it prints on `ApplicationReadyEvent`. The plain variant has only `spring-boot-starter` on "
				+ "its classpath; the others add the starter. The Infisical test server (10 secrets) runs in a process "
				+ "of its own (`InfisicalServerMain`); AWS credentials come from the environment (default chain). Per "
				+ "JDK, each variant runs once unrecorded (file cache), then every round runs all four in a shuffled "
				+ "order. Overhead is the median over rounds of (variant - plain in the same round). The application "
				+ "also reports the CPU time its JVM used up to ready, read from `/proc/self/stat` after the time "
				+ "stamp.");
		line("- Exit: the application prints a time stamp right before it returns from `main` (a non-web "
				+ "application that finished its work); the runner takes the time when `Process.waitFor()` returns. "
				+ "That covers the shutdown hooks (Spring Boot closes the context) and the JVM's wait for non-daemon "
				+ "threads: a thread left running delays every exit.");
		line("- Change to visible value: `PushLatencyMeasurement`, three Spring applications in one JVM, each "
				+ "importing the same 10-secret folder from an in-process test server of its own (so that each "
				+ "server's read count is one application's). For each change the three servers get the same new "
				+ "value, each timed from just before its own change; a loop checks the three `Environment`s every "
				+ "millisecond. A random pause of 0 to 5 s before each change puts it at a random point of the poll "
				+ "schedule.");
		line("- Bytes: 1 KB = 1024 B, 1 MB = 1024 KB.");
		return this.out.toString();
	}

	private String pushSection() {
		StringBuilder section = new StringBuilder();
		section.append("## Change to visible value\n\n");
		JsonNode modes = this.push.path("modes");
		if (modes.isEmpty()) {
			section.append("Not measured in this run.\n\n");
			pushGoal("a change pushed by webhook visible about a second after Infisical sends it", "missing", false);
			pushGoal("a change pushed by the event stream visible within about a second", "missing", false);
			pushGoal("a pushed change costs about one read per instance", "missing", false);
			return section.toString();
		}
		int changes = this.push.path("changes").asInt();
		double seconds = this.push.path("seconds").asDouble();
		section.append("A Spring application with spring-cloud-context imports a 10-secret folder with "
				+ "`spring.config.import=infisical:/benchmark`; the same change is saved " + changes
				+ " times in three test servers, one per mode, and timed from the save until the application's "
				+ "`Environment` answers the new value. The webhook's time includes the 1 s that the server waits "
				+ "before it sends, as Infisical does; the receiver then waits half a second for more notices "
				+ "to join one read. *Reads*: what each server served during the "
				+ String.format(Locale.ROOT, "%.0f", seconds)
				+ " s of changes (`304` answers included, as rate limits count them).\n\n");
		section.append("| mode | median | 90th percentile | slowest | reads | reads per change |\n");
		section.append("|---|---:|---:|---:|---:|---:|\n");
		Map<String, Double> readsPerChange = new LinkedHashMap<>();
		Map<String, Double> medians = new LinkedHashMap<>();
		for (var entry : modes.properties()) {
			JsonNode mode = entry.getValue();
			double[] latencies = new double[mode.path("latenciesMs").size()];
			for (int i = 0; i < latencies.length; i++) {
				latencies[i] = mode.path("latenciesMs").get(i).asDouble();
			}
			int reads = mode.path("reads").asInt();
			double perChange = (double) reads / changes;
			readsPerChange.put(entry.getKey(), perChange);
			medians.put(entry.getKey(), median(latencies));
			section.append("| " + mode.path("description").asString() + " | " + ms(median(latencies)) + " | "
					+ ms(quantile(latencies, 0.9)) + " | " + ms(quantile(latencies, 1)) + " | " + reads + " | "
					+ String.format(Locale.ROOT, "%.2f", perChange) + " |\n");
		}
		section.append("\n### Infisical reads per instance per hour\n\n");
		double pollPerHour = modes.path("poll").path("reads").asDouble() / seconds * 3600;
		double webhook = readsPerChange.getOrDefault("webhook", Double.NaN);
		double stream = readsPerChange.getOrDefault("stream", Double.NaN);
		section.append("One imported location, 6 changes an hour, a fleet of 200 instances. Polling costs a read per "
				+ "interval whatever changes (measured above for 5 s: "
				+ String.format(Locale.ROOT, "%.0f", pollPerHour)
				+ " an hour); a push mode costs its net's polls plus the reads per change measured above. With "
				+ "Spring Cloud Bus every instance of the fleet reads once per webhook (counted by "
				+ "`InfisicalWebhookBusIntegrationTests`, not measured here); with the stream each instance has "
				+ "its own stream, plus one read per reconnect (the reads above include any). The 2024 server's default limit "
				+ "is 40 secret reads a minute per client IP: 2 400 an hour for all pods behind one NAT.\n\n");
		section.append("| mode | reads per instance per hour | fleet of 200, per hour | fleet of 200, per minute |\n");
		section.append("|---|---:|---:|---:|\n");
		fleetRow(section, "polling every 5 s (measured rate)", pollPerHour);
		fleetRow(section, "polling every 30 s", 120);
		fleetRow(section, "webhook + bus, polling every 10 min as the net", 6 + 6 * webhook);
		fleetRow(section, "event stream, polling every 10 min as the net", 6 + 6 * stream);
		section.append("\n");
		double webhookMedian = medians.getOrDefault("webhook", Double.NaN);
		double webhookAfterSend = webhookMedian - this.push.path("webhookDelayMs").asDouble();
		pushGoal(
				"a change pushed by webhook visible about a second after Infisical sends it (median, less the "
						+ "server's 1 s wait, under 1.5 s)",
				ms(webhookMedian) + " from the save, " + ms(webhookAfterSend) + " after the send",
				webhookAfterSend < 1500);
		double streamMedian = medians.getOrDefault("stream", Double.NaN);
		pushGoal("a change pushed by the event stream visible within about a second (median under 1.5 s)",
				ms(streamMedian), streamMedian < 1500);
		pushGoal("a pushed change costs about one read per instance (at most 1.5 reads per change)",
				String.format(Locale.ROOT, "webhook %.2f, stream %.2f", webhook, stream),
				webhook <= 1.5 && stream <= 1.5);
		return section.toString();
	}

	private static void fleetRow(StringBuilder section, String mode, double perHour) {
		section.append("| " + mode + " | " + String.format(Locale.ROOT, "%.0f", perHour) + " | "
				+ number(Math.round(perHour * 200)) + " | " + number(Math.round(perHour * 200 / 60)) + " |\n");
	}

	private void pushGoal(String goal, String measured, boolean met) {
		this.pushGoals.add(new String[] { goal, measured, met ? "met" : "**not met**" });
	}

	private String tokenSection() {
		StringBuilder section = new StringBuilder();
		section.append("## Reading the token\n\n");
		section.append("`LifecycleAwareTokenProvider.getToken()` next to Spring Vault's "
				+ "`LifecycleAwareSessionManager.getSessionToken()` (spring-vault-core 4.0.4), both holding a valid "
				+ "token; *held*: nothing else happens; *refreshing*: a refresh is in flight during every iteration "
				+ "(the test server holds our renewal, a stand-in `RestTemplate` holds Vault's).\n\n");
		section.append("| threads | state | `getToken()` | `getSessionToken()` | ratio | `getToken()` alloc | "
				+ "`getSessionToken()` alloc |\n");
		section.append("|---:|---|---:|---:|---:|---:|---:|\n");
		boolean fastEnough = true;
		boolean noAllocation = true;
		double worstRatio = 0;
		String worst = "";
		double maxAllocation = 0;
		for (String state : new String[] { "held", "refreshing" }) {
			for (int threads : THREADS) {
				JsonNode ours = find(TOKEN + "infisical", threads, Map.of("state", state));
				JsonNode vault = find(TOKEN + "springVault", threads, Map.of("state", state));
				if (ours == null || vault == null) {
					section.append("| " + threads + " | " + state + " | missing | missing | | | |\n");
					fastEnough = false;
					continue;
				}
				double ratio = score(ours) / score(vault);
				if (ratio > worstRatio) {
					worstRatio = ratio;
					worst = threads + " thread" + ((threads > 1) ? "s" : "") + ", " + state;
				}
				fastEnough &= score(ours) <= score(vault);
				double allocation = secondary(ours, "gc.alloc.rate.norm");
				maxAllocation = Math.max(maxAllocation, allocation);
				noAllocation &= allocation < 0.5;
				section.append("| " + threads + " | " + state + " | " + nanos(ours) + " | " + nanos(vault) + " | "
						+ String.format(Locale.ROOT, "%.1fx", ratio) + " | "
						+ String.format(Locale.ROOT, "%.3f B/op", allocation) + " | "
						+ String.format(Locale.ROOT, "%.3f B/op", secondary(vault, "gc.alloc.rate.norm")) + " |\n");
			}
		}
		section.append("\nRatio: `getToken()` time divided by `getSessionToken()` time; ± is JMH's 99.9% confidence "
				+ "interval (none with fewer than 3 iterations). Allocation: `gc.alloc.rate.norm`.\n\n");
		goal("`getToken()` at least as fast as `getSessionToken()` at 1, 2 and 8 threads, held and refreshing",
				String.format(Locale.ROOT,
						(worstRatio <= 1) ? "at most %.1fx its time (%s)"
								: "up to %.1fx slower (%s): `getToken()` reads the wall clock, on purpose, so that a "
										+ "frozen process never hands out a token past its end",
						worstRatio, worst),
				fastEnough);
		goal("`getToken()` allocates nothing", String.format(Locale.ROOT, "at most %.3f B/op", maxAllocation),
				noAllocation);
		return section.toString();
	}

	private String secretsSection() {
		StringBuilder section = new StringBuilder();
		section.append("## Reading secrets\n\n");
		section.append("`InfisicalSecretsClient.getSecrets(location, previous)` of a folder of 500-character values "
				+ "(keys `KEY_00001`...) on the in-process test server, one thread. *Read*: a full read (`200`, parsed "
				+ "into a snapshot). *Raw GET*, the baseline: the same request with the JDK `HttpClient`, body into a "
				+ "`byte[]`, nothing else. *304*: the same call with the previous snapshot, answered `304 Not "
				+ "Modified`. *Raw 304*, its baseline: the raw GET with `If-None-Match`, answered `304`, body discarded: what one exchange of the JDK `HttpClient` allocates before any code of ours runs. Allocation is the client's (the server's threads left out); the JVM's total, server "
				+ "included, is in brackets.\n\n");
		section.append("| secrets | answer (JSON) | read | read alloc | alloc / JSON | raw GET | raw GET alloc | 304 | "
				+ "304 alloc | raw 304 | raw 304 alloc |\n");
		section.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		boolean twiceJson = true;
		double worstPerJson = 0;
		boolean small304 = true;
		double max304 = 0;
		double maxRaw304 = 0;
		for (int secrets : FOLDERS) {
			Map<String, String> params = Map.of("secrets", Integer.toString(secrets));
			JsonNode read = find(SECRETS + "read", 1, params);
			JsonNode raw = find(SECRETS + "rawGet", 1, params);
			JsonNode notModified = find(SECRETS + "notModified", 1, params);
			JsonNode rawNotModified = find(SECRETS + "rawNotModified", 1, params);
			long json = answerBytes(secrets);
			if (read == null || raw == null || notModified == null) {
				section.append("| " + number(secrets) + " | " + bytes(json) + " | missing | | | | | | | | |\n");
				twiceJson = false;
				small304 = false;
				continue;
			}
			double perJson = secondary(read, "client.alloc.norm") / json;
			worstPerJson = Math.max(worstPerJson, perJson);
			twiceJson &= perJson <= 2;
			max304 = Math.max(max304, secondary(notModified, "client.alloc.norm"));
			small304 &= secondary(notModified, "client.alloc.norm") < 5 * 1024;
			section.append(
					"| " + number(secrets) + " | " + bytes(json) + " | " + millis(
							read) + " | " + allocation(read) + " | " + String.format(Locale.ROOT, "%.1fx", perJson)
							+ " | " + millis(raw) + " | " + allocation(raw) + " | " + millis(notModified) + " | "
							+ allocation(notModified) + " | " + ((rawNotModified != null)
									? millis(rawNotModified) + " | " + allocation(rawNotModified) : "missing | ")
							+ " |\n");
			if (rawNotModified != null) {
				maxRaw304 = Math.max(maxRaw304, secondary(rawNotModified, "client.alloc.norm"));
			}
		}
		section.append("\n10 000 secrets of 500 characters make a " + bytes(answerBytes(10000))
				+ " answer on the test server, above the default `infisical.max-response-size` (8 MB): the "
				+ "benchmarks raise it to 64 MB.\n\n");
		goal("allocation per read at most twice the JSON size",
				String.format(Locale.ROOT, "up to %.1fx the JSON size", worstPerJson), twiceJson);
		goal("a `304` poll allocates under 5 KB (and so no copy of the secrets)",
				"up to " + bytes(max304)
						+ " per poll (the JDK `HttpClient`'s own `304` exchange, no code of ours: up to "
						+ bytes(maxRaw304) + ")",
				small304);
		section.append("### Memory held by the imported secrets\n\n");
		section.append("The `InfisicalPropertySource` of a running application that imported the folder, and what "
				+ "the same secrets take in a `LinkedHashMap` of copies of the strings (a plain `MapPropertySource`) "
				+ "and as text.\n\n");
		section.append("| secrets | property source retains | per secret | `LinkedHashMap` baseline | text (keys and "
				+ "values) | objects |\n");
		section.append("|---:|---:|---:|---:|---:|---:|\n");
		for (JsonNode folder : this.footprint.path("folders")) {
			long secrets = folder.path("secrets").asLong();
			long retained = folder.path("propertySourceRetainedBytes").asLong();
			section.append("| " + number(secrets) + " | " + bytes(retained) + " | " + bytes((double) retained / secrets)
					+ " | " + bytes(folder.path("linkedHashMapRetainedBytes").asLong()) + " | "
					+ bytes(folder.path("textBytes").asLong()) + " | "
					+ number(folder.path("propertySourceObjects").asLong()) + " |\n");
		}
		section.append("\n");
		return section.toString();
	}

	private String changeSection() {
		StringBuilder section = new StringBuilder();
		section.append("## One change end to end\n\n");
		section.append("A Spring application imports the folder with `spring.config.import=infisical:/benchmark` "
				+ "from the in-process test server, with spring-cloud-context on the classpath (a change refreshes "
				+ "the context, which loads the configuration again). *Change*: the server's `KEY_00001` gets a new "
				+ "value, the application's poller checks once (`InfisicalSecretsPoller.poll()`, called directly "
				+ "instead of waiting for its schedule), and the operation fails unless the `Environment` answers "
				+ "the new value afterwards. *Unchanged*, the baseline: the same poll when nothing changed "
				+ "(`304`).\n\n");
		section.append("| secrets | change: poll, refresh, visible | change alloc | unchanged poll | unchanged "
				+ "alloc |\n");
		section.append("|---:|---:|---:|---:|---:|\n");
		double change10000 = Double.NaN;
		double maxUnchanged = 0;
		for (int secrets : FOLDERS) {
			Map<String, String> params = Map.of("secrets", Integer.toString(secrets));
			JsonNode change = find(CHANGE + "change", 1, params);
			JsonNode unchanged = find(CHANGE + "unchanged", 1, params);
			if (change == null || unchanged == null) {
				section.append("| " + number(secrets) + " | missing | | | |\n");
				continue;
			}
			if (secrets == 10000) {
				change10000 = score(change);
			}
			maxUnchanged = Math.max(maxUnchanged, secondary(unchanged, "client.alloc.norm"));
			section.append("| " + number(secrets) + " | " + millis(change) + " | " + allocation(change) + " | "
					+ millis(unchanged) + " | " + allocation(unchanged) + " |\n");
		}
		section.append("\n");
		goal("a 10 000-secret import under 1 s end to end (change, poll, refresh, new value visible)",
				Double.isNaN(change10000) ? "missing" : String.format(Locale.ROOT, "%.0f ms", change10000),
				change10000 < 1000);
		goal("the application's `304` poll allocates under 5 KB", "up to " + bytes(maxUnchanged) + " per poll",
				maxUnchanged < 5 * 1024);
		return section.toString();
	}

	private String startupSection() {
		StringBuilder section = new StringBuilder();
		section.append("## Startup and exit\n\n");
		Map<String, List<JsonNode>> byJdk = new TreeMap<>();
		for (JsonNode run : this.startup.path("runs")) {
			byJdk.computeIfAbsent(run.path("java").asString(), (key) -> new ArrayList<>()).add(run);
		}
		section.append("Rounds per JDK: " + this.startup.path("rounds").asInt() + ". Startup is JVM launch to "
				+ "`ApplicationReadyEvent` (wall clock, what the goals judge); overhead is the median of the per-round "
				+ "differences to the plain application, with its interquartile range. CPU to ready is the CPU time "
				+ "all threads of the application's JVM had used by then (`/proc/self/stat`, 10 ms ticks), which the "
				+ "machine's other load inflates far less than the wall clock; its overhead is computed the same "
				+ "way. Exit is from the return from `main` to the end of the process.\n\n");
		Map<String, Double> limits = Map.of("disabled", 50.0, "login", 250.0, "import", 350.0);
		Map<String, String> names = Map.of("plain", "plain Spring Boot application", "disabled",
				"starter present, `infisical.enabled=false`", "login", "starter logging in", "import",
				"starter logging in + `infisical:` import of 10 secrets");
		boolean jdk21 = false;
		for (Map.Entry<String, List<JsonNode>> jdk : byJdk.entrySet()) {
			List<JsonNode> runs = jdk.getValue();
			int feature = Integer.parseInt(jdk.getKey().split("[.+-]")[0]);
			jdk21 |= feature >= 21;
			section.append("### JDK " + jdk.getKey() + "\n\n");
			section.append("| variant | startup median | startup range | overhead | overhead IQR | CPU to ready | CPU "
					+ "overhead | exit median | exit range | exit delay |\n");
			section.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
			double plainExit = median(values(runs, "plain", "exitMs"));
			for (String variant : VARIANTS) {
				double[] startupMs = values(runs, variant, "startupMs");
				double[] exitMs = values(runs, variant, "exitMs");
				double[] overhead = pairedDifferences(runs, variant, "startupMs");
				double[] cpuMs = values(runs, variant, "cpuMs");
				double[] cpuOverhead = pairedDifferences(runs, variant, "cpuMs");
				double exitDelay = median(exitMs) - plainExit;
				boolean plain = variant.equals("plain");
				section.append("| " + names.get(variant) + " | " + ms(median(startupMs)) + " | " + range(startupMs)
						+ " | " + (plain ? "" : signedMs(median(overhead))) + " | "
						+ (plain ? "" : ms(quantile(overhead, 0.25)) + " to " + ms(quantile(overhead, 0.75))) + " | "
						+ ms(median(cpuMs)) + " | " + (plain ? "" : signedMs(median(cpuOverhead))) + " | "
						+ ms(median(exitMs)) + " | " + range(exitMs) + " | " + (plain ? "" : signedMs(exitDelay))
						+ " |\n");
				if (!plain) {
					goal("startup overhead, " + names.get(variant) + ", under " + limits.get(variant).intValue()
							+ " ms (JDK " + jdk.getKey() + ")", signedMs(median(overhead)) + " median",
							median(overhead) < limits.get(variant));
					if (feature >= 21) {
						goal("no exit delay on JDK 21+, " + names.get(variant) + " (JDK " + jdk.getKey()
								+ "; within 20 ms of the plain application)", signedMs(exitDelay) + " median",
								exitDelay <= 20);
					}
				}
			}
			section.append("\n");
			if (feature < 21) {
				section.append("On JDK " + feature + " the JDK `HttpClient` cannot be closed (`close()` came in JDK "
						+ "21), so the exit delay on this JDK is reported, not judged.\n\n");
			}
		}
		if (!jdk21) {
			this.goals
				.add(new String[] { "no exit delay on JDK 21+", "no JDK 21+ measured (`--jdk PATH`)", "not measured" });
		}
		return section.toString();
	}

	private String serverSection() {
		StringBuilder section = new StringBuilder();
		section.append("## Test server\n\n");
		JsonNode record = this.footprint.path("requestRecord");
		int held = record.path("heldRequests").asInt();
		int reads = record.path("secretReads").asInt();
		section.append("| check | measured |\n|---|---:|\n");
		section.append("| requests held after serving " + number(reads) + " secret reads (plus the login) | "
				+ number(held) + " |\n");
		JsonNode read10 = find(SECRETS + "read", 1, Map.of("secrets", "10"));
		JsonNode notModified10 = find(SECRETS + "notModified", 1, Map.of("secrets", "10"));
		JsonNode notModified10000 = find(SECRETS + "notModified", 1, Map.of("secrets", "10000"));
		section.append("| read of 10 secrets (a 40 ms Nagle wait would show) | " + millis(read10) + " |\n");
		section.append("| `304` of 10 / 10 000 secrets, fastest iteration (an answer rendered per request would grow "
				+ "with the folder) | " + bestMillis(notModified10) + " / " + bestMillis(notModified10000) + " |\n\n");
		goal("test server: bounded request record", number(held) + " requests held after " + number(reads) + " reads",
				held <= 1000);
		goal("test server: no Nagle delay on small answers (TCP_NODELAY)", "10-secret read " + millis(read10),
				read10 != null && score(read10) < 10);
		goal("test server: ETag computed once per change (`304` time independent of the folder size; fastest "
				+ "iteration, the least disturbed by the machine's load)",
				"`304` " + bestMillis(notModified10) + " (10) vs " + bestMillis(notModified10000) + " (10 000)",
				notModified10 != null && notModified10000 != null
						&& best(notModified10000) <= 2 * best(notModified10) + 1);
		return section.toString();
	}

	private void goal(String goal, String measured, boolean met) {
		this.goals.add(new String[] { goal, measured, met ? "met" : "**not met**" });
	}

	private JsonNode find(String benchmark, int threads, Map<String, String> params) {
		Predicate<JsonNode> matches = (result) -> result.path("benchmark").asString().equals(benchmark)
				&& result.path("threads").asInt() == threads
				&& params.entrySet()
					.stream()
					.allMatch(
							(param) -> param.getValue().equals(result.path("params").path(param.getKey()).asString()));
		return this.jmh.stream().filter(matches).findFirst().orElse(null);
	}

	private long answerBytes(int secrets) {
		for (JsonNode folder : this.footprint.path("folders")) {
			if (folder.path("secrets").asInt() == secrets) {
				return folder.path("answerBytes").asLong();
			}
		}
		return -1;
	}

	private static double score(JsonNode result) {
		return result.path("primaryMetric").path("score").asDouble();
	}

	private static double error(JsonNode result) {
		return result.path("primaryMetric").path("scoreError").asDouble(Double.NaN);
	}

	private static double best(JsonNode result) {
		double best = Double.NaN;
		for (JsonNode fork : result.path("primaryMetric").path("rawData")) {
			for (JsonNode iteration : fork) {
				best = Double.isNaN(best) ? iteration.asDouble() : Math.min(best, iteration.asDouble());
			}
		}
		return best;
	}

	private static String bestMillis(JsonNode result) {
		return (result != null) ? decimals(best(result)) + " ms" : "missing";
	}

	private static double secondary(JsonNode result, String metric) {
		return result.path("secondaryMetrics").path(metric).path("score").asDouble(Double.NaN);
	}

	private static String nanos(JsonNode result) {
		String score = String.format(Locale.ROOT, "%.1f", score(result));
		return (Double.isNaN(error(result)) ? score : score + String.format(Locale.ROOT, " ± %.1f", error(result)))
				+ " ns";
	}

	private static String millis(JsonNode result) {
		if (result == null) {
			return "missing";
		}
		return decimals(score(result)) + (Double.isNaN(error(result)) ? "" : " ± " + decimals(error(result))) + " ms";
	}

	private static String decimals(double value) {
		return String.format(Locale.ROOT, (value < 10) ? "%.2f" : (value < 100) ? "%.1f" : "%.0f", value);
	}

	private static String allocation(JsonNode result) {
		return bytes(secondary(result, "client.alloc.norm")) + " (" + bytes(secondary(result, "gc.alloc.rate.norm"))
				+ ")";
	}

	static String bytes(double bytes) {
		if (Double.isNaN(bytes) || bytes < 0) {
			return "n/a";
		}
		if (bytes < 10 * 1024) {
			return String.format(Locale.ROOT, "%.0f B", bytes);
		}
		if (bytes < 1024 * 1024) {
			return String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
		}
		return String.format(Locale.ROOT, "%.2f MB", bytes / 1024 / 1024);
	}

	private static String number(long value) {
		return String.format(Locale.ROOT, "%,d", value).replace(',', ' ');
	}

	private static String ms(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.0f ms", value);
	}

	private static String signedMs(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%+.0f ms", value);
	}

	private static String range(double[] values) {
		if (values.length == 0) {
			return "n/a";
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return String.format(Locale.ROOT, "%.0f to %.0f ms", sorted[0], sorted[sorted.length - 1]);
	}

	private static double[] values(List<JsonNode> runs, String variant, String field) {
		return runs.stream()
			.filter((run) -> run.path("variant").asString().equals(variant))
			.mapToDouble((run) -> run.path(field).asDouble(Double.NaN))
			.toArray();
	}

	private static double[] pairedDifferences(List<JsonNode> runs, String variant, String field) {
		Map<Integer, Double> plain = new TreeMap<>();
		Map<Integer, Double> other = new TreeMap<>();
		for (JsonNode run : runs) {
			String id = run.path("variant").asString();
			if (id.equals("plain")) {
				plain.put(run.path("round").asInt(), run.path(field).asDouble(Double.NaN));
			}
			else if (id.equals(variant)) {
				other.put(run.path("round").asInt(), run.path(field).asDouble(Double.NaN));
			}
		}
		return other.entrySet()
			.stream()
			.filter((entry) -> plain.containsKey(entry.getKey()))
			.mapToDouble((entry) -> entry.getValue() - plain.get(entry.getKey()))
			.toArray();
	}

	static double median(double[] values) {
		return quantile(values, 0.5);
	}

	static double quantile(double[] values, double quantile) {
		double[] sorted = Arrays.stream(values).filter((value) -> !Double.isNaN(value)).sorted().toArray();
		if (sorted.length == 0) {
			return Double.NaN;
		}
		double position = quantile * (sorted.length - 1);
		int lower = (int) Math.floor(position);
		int upper = (int) Math.ceil(position);
		return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
	}

	private String machine() throws IOException {
		String cpu = "unknown CPU";
		Path cpuinfo = Path.of("/proc/cpuinfo");
		if (Files.isReadable(cpuinfo)) {
			cpu = Files.readAllLines(cpuinfo)
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse(cpu);
		}
		String memory = "";
		Path meminfo = Path.of("/proc/meminfo");
		if (Files.isReadable(meminfo)) {
			memory = Files.readAllLines(meminfo)
				.stream()
				.filter((line) -> line.startsWith("MemTotal:"))
				.map((line) -> String.format(Locale.ROOT, ", %.0f GB memory",
						Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
				.findFirst()
				.orElse("");
		}
		return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + ")" + memory + ", "
				+ System.getProperty("os.name") + " " + System.getProperty("os.version");
	}

	private String jmhJdk() {
		return this.jmh.isEmpty() ? "n/a"
				: this.jmh.get(0).path("vmName").asString() + " " + this.jmh.get(0).path("jdkVersion").asString();
	}

	private String jmhVersion() {
		return this.jmh.isEmpty() ? "" : this.jmh.get(0).path("jmhVersion").asString();
	}

	private String jmhSettings() {
		if (this.jmh.isEmpty()) {
			return "no JMH results";
		}
		Map<String, String> settings = new LinkedHashMap<>();
		for (JsonNode result : this.jmh) {
			String benchmark = result.path("benchmark").asString();
			String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
			settings.putIfAbsent(type.substring(type.lastIndexOf('.') + 1),
					result.path("forks").asInt() + " fork, " + result.path("warmupIterations").asInt() + " warm-up and "
							+ result.path("measurementIterations").asInt() + " measured iterations of "
							+ result.path("measurementTime").asString());
		}
		List<String> described = new ArrayList<>();
		settings.forEach((type, setting) -> described.add("`" + type + "`: " + setting));
		return "JMH " + String.join("; ", described);
	}

	private List<String> startupJdks() {
		List<String> jdks = new ArrayList<>();
		for (JsonNode run : this.startup.path("runs")) {
			String java = run.path("java").asString() + " (" + run.path("jdkHome").asString() + ")";
			if (!jdks.contains(java)) {
				jdks.add(java);
			}
		}
		return jdks;
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

	private void line() {
		this.out.append('\n');
	}

}
