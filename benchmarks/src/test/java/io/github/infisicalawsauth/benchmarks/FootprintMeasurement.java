package io.github.infisicalawsauth.benchmarks;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalPropertySource;
import io.github.infisicalawsauth.autoconfigure.config.SecretChangeBenchmark;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsClientBenchmark;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.apache.commons.logging.Log;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;

/**
 * Sizes rather than times, written as JSON for the report:
 * <ul>
 * <li>the size of the server's answer to a read of 10, 1 000 and 10 000 secrets (the body
 * as the JDK {@code HttpClient} receives it);</li>
 * <li>the bytes retained by the {@link InfisicalPropertySource} that holds them in a
 * running application (the application of {@code SecretChangeBenchmark}): JOL's
 * {@link GraphLayout#parseInstance} walks every object reachable from the property source
 * and adds up their sizes as this JVM lays them out, counting each object once. Next to
 * it, the baselines: the secrets' text (keys and values, one byte per character as
 * compact strings store them) and a {@code LinkedHashMap} of copies of the same strings,
 * what a plain {@code MapPropertySource} would hold;</li>
 * <li>how many requests the test server still holds after serving 3 000 reads (its record
 * is meant to be bounded).</li>
 * </ul>
 * Argument: the output file.
 *
 * @author Infisical AWS Auth contributors
 */
public final class FootprintMeasurement {

	static final int SERVED_REQUESTS = 3000;

	private FootprintMeasurement() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> result = new LinkedHashMap<>();
		List<Map<String, Object>> folders = new ArrayList<>();
		for (int secrets : new int[] { 10, 1000, 10000 }) {
			folders.add(measure(secrets));
		}
		result.put("folders", folders);
		result.put("requestRecord", requestRecord());
		JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValue(new File(args[0]), result);
	}

	private static Map<String, Object> measure(int secrets) throws Exception {
		try (InfisicalTestServer server = InfisicalTestServer.start()) {
			BenchmarkFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
			BenchmarkFixtures.fill(server, BenchmarkFixtures.FOLDER, secrets);
			try (ConfigurableApplicationContext context = SecretChangeBenchmark.application(server).run()) {
				String token = context.getBean(InfisicalTokenProvider.class).getToken().value();
				HttpResponse<byte[]> answer = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(SecretsClientBenchmark.rawUri(server.url(), BenchmarkFixtures.FOLDER))
						.header("Authorization", "Bearer " + token)
						.build(), HttpResponse.BodyHandlers.ofByteArray());
				InfisicalPropertySource source = find(context);
				if (source.getSource().size() != secrets) {
					throw new IllegalStateException("The property source holds " + source.getSource().size());
				}
				Map<String, String> copies = new LinkedHashMap<>();
				long text = 0;
				for (Map.Entry<String, String> secret : BenchmarkFixtures.secrets(secrets).entrySet()) {
					copies.put(new String(secret.getKey().toCharArray()), new String(secret.getValue().toCharArray()));
					text += secret.getKey().length() + secret.getValue().length();
				}
				Retained retained = retained(source);
				Map<String, Object> folder = new LinkedHashMap<>();
				folder.put("secrets", secrets);
				folder.put("answerBytes", answer.body().length);
				folder.put("propertySourceRetainedBytes", retained.bytes());
				folder.put("propertySourceObjects", retained.objects());
				folder.put("textBytes", text);
				folder.put("linkedHashMapRetainedBytes", GraphLayout.parseInstance(copies).totalSize());
				System.out.println(secrets + " secrets: answer " + answer.body().length + " B, property source retains "
						+ retained.bytes() + " B in " + retained.objects() + " objects");
				if (secrets == 10) {
					System.out.println(retained.footprint());
				}
				return folder;
			}
		}
	}

	/**
	 * Return the bytes the property source holds: its own object and everything its
	 * fields reach, leaving out its commons-logging {@code Log} (Spring's
	 * {@code PropertySource} keeps one per instance; it leads to the logging system that
	 * every class shares).
	 */
	static Retained retained(Object source) throws IllegalAccessException {
		List<Object> roots = new ArrayList<>();
		for (Class<?> type = source.getClass(); type != null; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
					continue;
				}
				field.setAccessible(true);
				Object value = field.get(source);
				if (value != null && !(value instanceof Log)) {
					roots.add(value);
				}
			}
		}
		GraphLayout reached = GraphLayout.parseInstance(roots.toArray());
		if (reached.getClasses().contains(source.getClass())) {
			throw new IllegalStateException("The property source's fields lead back to it");
		}
		return new Retained(VM.current().sizeOf(source) + reached.totalSize(), 1 + reached.totalCount(),
				reached.toFootprint());
	}

	record Retained(long bytes, long objects, String footprint) {

	}

	private static InfisicalPropertySource find(ConfigurableApplicationContext context) {
		for (PropertySource<?> source : context.getEnvironment().getPropertySources()) {
			if (source instanceof InfisicalPropertySource infisical) {
				return infisical;
			}
		}
		throw new IllegalStateException("No Infisical property source");
	}

	private static Map<String, Object> requestRecord() {
		try (InfisicalTestServer server = InfisicalTestServer.start()) {
			BenchmarkFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
			BenchmarkFixtures.fill(server, BenchmarkFixtures.FOLDER, 10);
			InfisicalHttpClient client = BenchmarkFixtures.client(server);
			try (LifecycleAwareTokenProvider provider = BenchmarkFixtures.provider(client, Duration.ofMinutes(1))
				.build()) {
				provider.getToken(java.time.Duration.ofSeconds(30));
				InfisicalSecretsClient secrets = InfisicalSecretsClient.builder(client, provider).build();
				SecretLocation location = BenchmarkFixtures.location(BenchmarkFixtures.FOLDER);
				for (int i = 0; i < SERVED_REQUESTS; i++) {
					secrets.getSecrets(location, null);
				}
			}
			Map<String, Object> record = new LinkedHashMap<>();
			record.put("secretReads", server.secretReadCount());
			record.put("heldRequests", server.requests().size());
			return record;
		}
	}

}
