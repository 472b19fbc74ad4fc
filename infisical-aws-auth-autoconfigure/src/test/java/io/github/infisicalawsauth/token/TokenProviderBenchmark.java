package io.github.infisicalawsauth.token;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures {@link LifecycleAwareTokenProvider#getToken()} while a valid token is held:
 * the goal is a lock-free read with no allocation. Run with
 * {@code ./mvnw -P benchmark -pl infisical-aws-auth-autoconfigure test-compile exec:exec}
 * and add {@code -Dbenchmark.args="TokenProviderBenchmark -prof gc"} for allocation
 * rates.
 *
 * @author Infisical AWS Auth contributors
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenProviderBenchmark {

	private InfisicalTestServer server;

	private LifecycleAwareTokenProvider provider;

	@Setup(Level.Trial)
	public void start() {
		this.server = InfisicalTestServer.start();
		InfisicalTestFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
		this.provider = InfisicalTestFixtures.provider(this.server, Duration.ofMinutes(1)).build();
		this.provider.start();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.provider.close();
		this.server.close();
	}

	@Benchmark
	@Threads(1)
	public InfisicalAccessToken getTokenOneThread() {
		return this.provider.getToken();
	}

	@Benchmark
	@Threads(4)
	public InfisicalAccessToken getTokenFourThreads() {
		return this.provider.getToken();
	}

}
