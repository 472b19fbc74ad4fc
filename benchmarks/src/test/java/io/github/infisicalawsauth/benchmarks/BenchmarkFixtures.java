package io.github.infisicalawsauth.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import io.github.infisicalawsauth.authentication.AwsIamAuthentication;
import io.github.infisicalawsauth.authentication.AwsIamAuthenticationOptions;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.test.FolderSpec;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenRefreshPolicy;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * What every benchmark sets up the same way: demo AWS credentials that the test server's
 * fake STS accepts, a machine identity that allows them and may read the benchmark
 * project, and folders of generated secrets ({@code KEY_00001}, values of
 * {@link #VALUE_LENGTH} characters).
 *
 * @author Infisical AWS Auth contributors
 */
public final class BenchmarkFixtures {

	public static final String ACCESS_KEY_ID = "ASIABENCHMARKKEY0001";

	public static final String SECRET_ACCESS_KEY = "benchmark-secret-access-key-for-the-test-server";

	public static final String SESSION_TOKEN = "benchmark-session-token";

	public static final String ACCOUNT_ID = "111122223333";

	public static final String PRINCIPAL_ARN = "arn:aws:sts::111122223333:assumed-role/benchmark-app/session";

	public static final String IDENTITY_ID = "00000000-0000-4000-8000-00000benchmark";

	public static final String PROJECT_ID = "benchmark-project";

	public static final String ENVIRONMENT = "dev";

	/**
	 * The folder that the secrets benchmarks read.
	 */
	public static final String FOLDER = "/benchmark";

	public static final int VALUE_LENGTH = 500;

	/**
	 * Largest answer the benchmarks' clients read: 10 000 secrets of 500 characters make
	 * a 9.7 MB answer on the test server, above the default
	 * {@code infisical.max-response-size} of 8 MB.
	 */
	public static final long MAX_RESPONSE_SIZE = 64L * 1024 * 1024;

	private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		.toCharArray();

	private BenchmarkFixtures() {
	}

	/**
	 * Register the credentials and the identity.
	 * @param server the server
	 * @param ttl the identity's access token TTL
	 * @param maxTtl the identity's access token max TTL
	 */
	public static void configure(InfisicalTestServer server, Duration ttl, Duration maxTtl) {
		server.addAwsCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, ACCOUNT_ID, PRINCIPAL_ARN);
		server.addIdentity(IDENTITY_ID)
			.allowedAccounts(ACCOUNT_ID)
			.allowedPrincipalArns("arn:aws:iam::111122223333:role/benchmark-app")
			.accessTokenTtl(ttl)
			.accessTokenMaxTtl(maxTtl)
			.canReadProject(PROJECT_ID);
	}

	/**
	 * Fill a folder of the benchmark project with generated secrets.
	 * @param server the server
	 * @param path the folder path
	 * @param count how many secrets
	 * @return the folder
	 */
	public static FolderSpec fill(InfisicalTestServer server, String path, int count) {
		FolderSpec folder = server.project(PROJECT_ID).environment(ENVIRONMENT).folder(path);
		secrets(count).forEach(folder::secret);
		return folder;
	}

	/**
	 * Return the generated secrets: {@code KEY_00001} to {@code KEY_<count>}, the same
	 * values on every call.
	 * @param count how many secrets
	 * @return the secrets in key order
	 */
	public static Map<String, String> secrets(int count) {
		SplittableRandom random = new SplittableRandom(count);
		Map<String, String> secrets = new LinkedHashMap<>();
		for (int i = 1; i <= count; i++) {
			secrets.put(key(i), value(random));
		}
		return secrets;
	}

	public static String key(int index) {
		return String.format("KEY_%05d", index);
	}

	private static String value(SplittableRandom random) {
		char[] value = new char[VALUE_LENGTH];
		for (int i = 0; i < value.length; i++) {
			value[i] = ALPHABET[random.nextInt(ALPHABET.length)];
		}
		return new String(value);
	}

	/**
	 * Return the location of a folder of the benchmark project.
	 * @param path the folder path
	 * @return the location
	 */
	public static SecretLocation location(String path) {
		return SecretLocation.of(PROJECT_ID, ENVIRONMENT, path);
	}

	/**
	 * Return a credentials provider with the demo credentials.
	 * @return the provider
	 */
	public static StaticCredentialsProvider credentials() {
		return StaticCredentialsProvider
			.create(AwsSessionCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN));
	}

	/**
	 * Return an HTTP client of the server, as the tests build it, reading answers up to
	 * {@link #MAX_RESPONSE_SIZE}.
	 * @param server the server
	 * @return the client
	 */
	public static InfisicalHttpClient client(InfisicalTestServer server) {
		return new InfisicalHttpClient(InfisicalSiteUrl.of(server.url(), false), new JdkClientHttpRequestFactory(),
				MAX_RESPONSE_SIZE);
	}

	/**
	 * Return a token provider builder that logs in as the benchmark identity.
	 * @param client the HTTP client of the server
	 * @param refreshBeforeExpiry how long before expiry to refresh
	 * @return the builder
	 */
	public static LifecycleAwareTokenProvider.Builder provider(InfisicalHttpClient client,
			Duration refreshBeforeExpiry) {
		AwsIamAuthentication authentication = new AwsIamAuthentication(AwsIamAuthenticationOptions.builder()
			.identityId(IDENTITY_ID)
			.credentialsProvider(credentials())
			.regionProvider(() -> Region.US_EAST_1)
			.build(), client);
		return LifecycleAwareTokenProvider.builder(authentication, client)
			.policy(TokenRefreshPolicy.builder()
				.refreshBeforeExpiry(refreshBeforeExpiry)
				.retry(RetryBackoff.builder()
					.initialInterval(Duration.ofMillis(20))
					.maxInterval(Duration.ofMillis(200))
					.maxElapsed(Duration.ofSeconds(5))
					.build())
				.build());
	}

}
