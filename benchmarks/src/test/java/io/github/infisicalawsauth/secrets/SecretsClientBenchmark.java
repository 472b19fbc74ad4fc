package io.github.infisicalawsauth.secrets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.benchmarks.BenchmarkFixtures;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link InfisicalSecretsClient#getSecrets(SecretLocation, SecretsSnapshot)} of a folder
 * of 10, 1 000 or 10 000 secrets (values of 500 characters) on the in-process test
 * server, one thread:
 * <ul>
 * <li>{@code read}: a full read, the {@code 200} answer parsed into a snapshot;</li>
 * <li>{@code notModified}: a poll with the {@code ETag} of the previous read, answered
 * {@code 304};</li>
 * <li>{@code rawGet}, the baseline: the same request with the JDK {@code HttpClient},
 * body read into a {@code byte[]} and nothing else, so the transport and the server's
 * share of the time;</li>
 * <li>{@code rawNotModified}, the baseline of {@code notModified}: the same conditional
 * request with the JDK {@code HttpClient}, answered {@code 304}, so what one exchange of
 * the transport allocates before any code of ours runs.</li>
 * </ul>
 * Run with {@code -prof io.github.infisicalawsauth.benchmarks.ClientAllocationProfiler}
 * for the bytes the client allocates per read (the server's threads left out).
 *
 * @author Infisical AWS Auth contributors
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class SecretsClientBenchmark {

	@Param({ "10", "1000", "10000" })
	public int secrets;

	private InfisicalTestServer server;

	private InfisicalHttpClient client;

	private LifecycleAwareTokenProvider provider;

	private InfisicalSecretsClient secretsClient;

	private SecretLocation location;

	private SecretsSnapshot previous;

	private HttpClient httpClient;

	private HttpRequest rawRequest;

	private HttpRequest rawConditionalRequest;

	@Setup(Level.Trial)
	public void start() {
		this.server = InfisicalTestServer.start();
		BenchmarkFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
		BenchmarkFixtures.fill(this.server, BenchmarkFixtures.FOLDER, this.secrets);
		this.client = BenchmarkFixtures.client(this.server);
		this.provider = BenchmarkFixtures.provider(this.client, Duration.ofMinutes(1)).build();
		this.provider.getToken(java.time.Duration.ofSeconds(30));
		this.secretsClient = InfisicalSecretsClient.builder(this.client, this.provider).build();
		this.location = BenchmarkFixtures.location(BenchmarkFixtures.FOLDER);
		this.previous = this.secretsClient.getSecrets(this.location, null);
		if (this.previous.getSecrets().size() != this.secrets || this.previous.getEtag() == null) {
			throw new IllegalStateException("unexpected answer: " + this.previous);
		}
		this.httpClient = HttpClient.newHttpClient();
		this.rawRequest = HttpRequest.newBuilder(rawUri(this.server.url(), BenchmarkFixtures.FOLDER))
			.header("Authorization", "Bearer " + this.provider.getToken().value())
			.header("Accept", "application/json")
			.build();
		this.rawConditionalRequest = HttpRequest.newBuilder(this.rawRequest, (name, value) -> true)
			.header("If-None-Match", this.previous.getEtag())
			.build();
	}

	/**
	 * Return the URI of the read, with the query {@code SecretsReader} sends.
	 * @param serverUrl the server's URL
	 * @param path the folder path
	 * @return the URI
	 */
	public static URI rawUri(String serverUrl, String path) {
		return URI.create(serverUrl + "/api/v4/secrets?projectId=" + BenchmarkFixtures.PROJECT_ID + "&environment="
				+ BenchmarkFixtures.ENVIRONMENT + "&secretPath=" + path + "&viewSecretValue=true"
				+ "&expandSecretReferences=true&recursive=false&includeImports=true&include_imports=true"
				+ "&includePersonalOverrides=false");
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.provider.close();
		this.client.close();
		this.server.close();
	}

	@Benchmark
	public SecretsSnapshot read() {
		return this.secretsClient.getSecrets(this.location, null);
	}

	@Benchmark
	public SecretsSnapshot notModified() {
		SecretsSnapshot snapshot = this.secretsClient.getSecrets(this.location, this.previous);
		if (snapshot != this.previous) {
			throw new IllegalStateException("expected 304");
		}
		return snapshot;
	}

	@Benchmark
	public byte[] rawGet() throws IOException, InterruptedException {
		HttpResponse<byte[]> response = this.httpClient.send(this.rawRequest, HttpResponse.BodyHandlers.ofByteArray());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("HTTP " + response.statusCode());
		}
		return response.body();
	}

	@Benchmark
	public int rawNotModified() throws IOException, InterruptedException {
		HttpResponse<Void> response = this.httpClient.send(this.rawConditionalRequest,
				HttpResponse.BodyHandlers.discarding());
		if (response.statusCode() != 304) {
			throw new IllegalStateException("HTTP " + response.statusCode());
		}
		return response.statusCode();
	}

}
