package io.github.infisicalawsauth.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import io.github.infisicalawsauth.test.InfisicalTestServer;

/**
 * Runs an {@link InfisicalTestServer} as a process of its own, so that an application's
 * startup can be measured without the server sharing its JVM: the demo credentials and
 * identity of {@link BenchmarkFixtures} (token TTL one hour) and a root folder of
 * generated secrets in project {@value BenchmarkFixtures#PROJECT_ID}, environment
 * {@value BenchmarkFixtures#ENVIRONMENT}.
 * <p>
 * Arguments: {@code [--port=N] [--secrets=N]} (defaults: a free port, 10 secrets). Prints
 * {@code READY <url>} once it listens, and stops when its standard input ends (the
 * process that started it went away, or Ctrl+D) or on Ctrl+C. For example: <pre>
 * java -cp "benchmarks/target/test-classes:$(cat benchmarks/target/classpath-benchmarks.txt)" \
 *     io.github.infisicalawsauth.benchmarks.InfisicalServerMain --port=8200
 * </pre>
 *
 * @author Infisical AWS Auth contributors
 */
public final class InfisicalServerMain {

	private InfisicalServerMain() {
	}

	public static void main(String[] args) throws IOException {
		int port = 0;
		int secrets = 10;
		for (String arg : args) {
			if (arg.startsWith("--port=")) {
				port = Integer.parseInt(arg.substring("--port=".length()));
			}
			else if (arg.startsWith("--secrets=")) {
				secrets = Integer.parseInt(arg.substring("--secrets=".length()));
			}
			else {
				throw new IllegalArgumentException("Unknown argument '" + arg + "'; use --port=N and --secrets=N");
			}
		}
		try (InfisicalTestServer server = InfisicalTestServer.builder().port(port).start()) {
			BenchmarkFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
			BenchmarkFixtures.fill(server, "/", secrets);
			System.out.println("READY " + server.url());
			System.out.flush();
			InputStream in = System.in;
			while (in.read() != -1) {
				// runs until the input ends
			}
		}
	}

}
