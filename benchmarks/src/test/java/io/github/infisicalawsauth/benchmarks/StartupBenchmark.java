package io.github.infisicalawsauth.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.json.JsonMapper;

/**
 * Times the startup and the exit of {@code StartupApplication} as separate processes, in
 * four variants: the plain application (Spring Boot only on the classpath), the same
 * application with the starter on the classpath and {@code infisical.enabled=false}, with
 * the starter logging in, and with the starter logging in and importing 10 secrets with
 * {@code spring.config.import=infisical:}. The Infisical test server runs in a process of
 * its own ({@link InfisicalServerMain}), started once.
 * <p>
 * Per JDK, every variant runs once to warm the file cache (not counted), then the given
 * number of rounds, each running every variant once in a shuffled order, so that load
 * from the machine's other users spreads over all variants alike.
 * <ul>
 * <li>startup: from just before the process is launched to the {@code READY} line the
 * application prints on {@code ApplicationReadyEvent} (wall clock, microseconds), and the
 * CPU time the JVM had used by then, which the machine's other load changes far
 * less;</li>
 * <li>exit: from the {@code EXIT} line the application prints right before it returns
 * from {@code main} to the end of the process as {@link Process#waitFor} sees it: the
 * shutdown hooks (the context closes) and the wait for non-daemon threads.</li>
 * </ul>
 * Arguments: {@code --classes=DIR --plain-classpath=FILE --starter-classpath=FILE
 * --server-classpath=CLASSPATH --jdk=JAVA_HOME... --rounds=N --out=FILE}.
 *
 * @author Infisical AWS Auth contributors
 */
public final class StartupBenchmark {

	static final String APPLICATION = "io.github.infisicalawsauth.benchmarks.startup.StartupApplication";

	private static final long TIMEOUT_SECONDS = 90;

	private final Map<String, String> options;

	private final String url;

	private StartupBenchmark(Map<String, String> options, String url) {
		this.options = options;
		this.url = url;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		List<String> jdks = new ArrayList<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Unknown argument '" + arg + "'");
			}
			String name = arg.substring(2, equals);
			String value = arg.substring(equals + 1);
			if (name.equals("jdk")) {
				jdks.add(value);
			}
			else {
				options.put(name, value);
			}
		}
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "10"));
		Process server = new ProcessBuilder(javaOf(System.getProperty("java.home")), "-cp",
				options.get("server-classpath"), InfisicalServerMain.class.getName(), "--secrets=10")
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		BufferedReader serverOut = new BufferedReader(
				new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
		String ready = serverOut.readLine();
		if (ready == null || !ready.startsWith("READY ")) {
			throw new IllegalStateException("The test server did not start: " + ready);
		}
		List<Map<String, Object>> runs = new ArrayList<>();
		try {
			StartupBenchmark benchmark = new StartupBenchmark(options, ready.substring("READY ".length()));
			for (String jdk : jdks) {
				benchmark.measure(jdk, rounds, runs);
			}
		}
		finally {
			try (OutputStream stdin = server.getOutputStream()) {
				// closing its input stops the server
			}
			if (!server.waitFor(10, TimeUnit.SECONDS)) {
				server.destroy();
			}
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("rounds", rounds);
		result.put("runs", runs);
		JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValue(new File(options.get("out")), result);
	}

	private void measure(String jdk, int rounds, List<Map<String, Object>> runs) throws Exception {
		List<Variant> variants = List.of(Variant.values());
		for (Variant variant : variants) {
			run(jdk, variant);
		}
		Random random = new Random(42);
		for (int round = 1; round <= rounds; round++) {
			List<Variant> order = new ArrayList<>(variants);
			Collections.shuffle(order, random);
			for (Variant variant : order) {
				Measured measured = run(jdk, variant);
				Map<String, Object> run = new LinkedHashMap<>();
				run.put("jdkHome", jdk);
				run.put("java", measured.java());
				run.put("variant", variant.id);
				run.put("round", round);
				run.put("startupMs", measured.startupMs());
				run.put("cpuMs", measured.cpuMs());
				run.put("exitMs", measured.exitMs());
				runs.add(run);
				System.out.printf("%s %-8s round %2d: startup %7.1f ms (CPU %5.0f ms), exit %6.1f ms%n",
						measured.java(), variant.id, round, measured.startupMs(), measured.cpuMs(), measured.exitMs());
			}
		}
	}

	private Measured run(String jdk, Variant variant) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(javaOf(jdk));
		command.add("-cp");
		command.add(classpath(variant.starter ? "starter-classpath" : "plain-classpath"));
		command.add(APPLICATION);
		command.addAll(variant.arguments(this.url));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		Map<String, String> environment = builder.environment();
		environment.keySet().removeIf((name) -> name.startsWith("AWS_") || name.startsWith("INFISICAL_"));
		environment.put("AWS_ACCESS_KEY_ID", BenchmarkFixtures.ACCESS_KEY_ID);
		environment.put("AWS_SECRET_ACCESS_KEY", BenchmarkFixtures.SECRET_ACCESS_KEY);
		environment.put("AWS_SESSION_TOKEN", BenchmarkFixtures.SESSION_TOKEN);
		long launched = epochMicros();
		Process process = builder.start();
		Map<String, String> reported = new ConcurrentHashMap<>();
		Deque<String> lastLines = new ArrayDeque<>();
		Thread reader = new Thread(() -> read(process, reported, lastLines), "startup-benchmark-reader");
		reader.start();
		boolean ended = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		long end = epochMicros();
		if (!ended) {
			process.destroyForcibly();
		}
		reader.join();
		String readyAt = reported.get("READY");
		String exitAt = reported.get("EXIT");
		if (readyAt == null || exitAt == null || !variant.check(reported)) {
			throw new IllegalStateException("Variant " + variant.id + " on " + jdk + " did not run as expected"
					+ (ended ? " (exit code " + process.exitValue() + ")" : " (did not end)") + ": " + reported
					+ "; last lines:\n" + String.join("\n", lastLines));
		}
		double exitMs = ended ? (end - Long.parseLong(exitAt)) / 1000.0 : Double.NaN;
		return new Measured(reported.get("JAVA"), (Long.parseLong(readyAt) - launched) / 1000.0,
				Double.parseDouble(reported.getOrDefault("CPU", "-1")), exitMs);
	}

	private static void read(Process process, Map<String, String> reported, Deque<String> lastLines) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.startsWith("BENCHMARK ")) {
					String[] parts = line.split(" ", 3);
					reported.put(parts[1], (parts.length > 2) ? parts[2] : "");
				}
				synchronized (lastLines) {
					lastLines.addLast(line);
					if (lastLines.size() > 40) {
						lastLines.removeFirst();
					}
				}
			}
		}
		catch (IOException ex) {
			// the process went away
		}
	}

	private String classpath(String option) throws IOException {
		return this.options.get("classes") + File.pathSeparator
				+ Files.readString(Path.of(this.options.get(option))).trim();
	}

	private static String javaOf(String javaHome) {
		return Path.of(javaHome, "bin", "java").toString();
	}

	private static long epochMicros() {
		return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
	}

	private record Measured(String java, double startupMs, double cpuMs, double exitMs) {

	}

	/**
	 * What is measured: the classpath and the arguments.
	 */
	enum Variant {

		PLAIN("plain", false), DISABLED("disabled", true), LOGIN("login", true), IMPORT("import", true);

		final String id;

		final boolean starter;

		Variant(String id, boolean starter) {
			this.id = id;
			this.starter = starter;
		}

		List<String> arguments(String url) {
			List<String> arguments = new ArrayList<>();
			if (this == PLAIN) {
				return arguments;
			}
			arguments.add("--infisical.site-url=" + url);
			arguments.add("--infisical.aws-auth.identity-id=" + BenchmarkFixtures.IDENTITY_ID);
			arguments.add("--infisical.aws-auth.region=us-east-1");
			if (this == DISABLED) {
				arguments.add("--infisical.enabled=false");
			}
			if (this == IMPORT) {
				arguments.add("--spring.config.import=infisical:");
				arguments.add("--infisical.secrets.project-id=" + BenchmarkFixtures.PROJECT_ID);
				arguments.add("--infisical.secrets.environment=" + BenchmarkFixtures.ENVIRONMENT);
			}
			return arguments;
		}

		boolean check(Map<String, String> reported) {
			int beans = Integer.parseInt(reported.getOrDefault("BEANS", "-1"));
			boolean secret = Boolean.parseBoolean(reported.get("SECRET"));
			return switch (this) {
				case PLAIN -> beans == 0 && !secret;
				case DISABLED -> !secret;
				case LOGIN -> beans > 0 && !secret;
				case IMPORT -> beans > 0 && secret;
			};
		}

	}

}
