package io.github.infisicalawsauth;

import java.time.Duration;

import io.github.infisicalawsauth.authentication.AwsIamAuthentication;
import io.github.infisicalawsauth.authentication.AwsIamAuthenticationOptions;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenRefreshPolicy;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * Shared set-up of tests that talk to an {@link InfisicalTestServer}: AWS credentials the
 * server's fake STS accepts and a machine identity that allows them.
 *
 * @author Infisical AWS Auth contributors
 */
public final class InfisicalTestFixtures {

	/**
	 * Access key id the fake STS knows.
	 */
	public static final String ACCESS_KEY_ID = "ASIATESTACCESSKEY01";

	/**
	 * Secret access key: must never appear in logs.
	 */
	public static final String SECRET_ACCESS_KEY = "TestSecretAccessKey/Never+Logged0123456789";

	/**
	 * Session token: must never appear in logs.
	 */
	public static final String SESSION_TOKEN = "TestSessionToken-Never-Logged-FwoGZXIvYXdzEJr";

	/**
	 * Account of the test principal.
	 */
	public static final String ACCOUNT_ID = "123456789012";

	/**
	 * The principal the credentials belong to.
	 */
	public static final String ROLE_SESSION_ARN = "arn:aws:sts::123456789012:assumed-role/orders-service/i-0abc";

	/**
	 * Machine identity with AWS auth.
	 */
	public static final String IDENTITY_ID = "3f6a2b1c-0000-4000-8000-00000000a001";

	private InfisicalTestFixtures() {
	}

	/**
	 * Register the test credentials and the test identity.
	 * @param server the server
	 * @param ttl the identity's token TTL
	 * @param maxTtl the identity's max TTL
	 */
	public static void configure(InfisicalTestServer server, Duration ttl, Duration maxTtl) {
		server.addAwsCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, ACCOUNT_ID, ROLE_SESSION_ARN);
		server.addIdentity(IDENTITY_ID)
			.allowedAccounts(ACCOUNT_ID)
			.allowedPrincipalArns("arn:aws:iam::123456789012:role/orders-*")
			.accessTokenTtl(ttl)
			.accessTokenMaxTtl(maxTtl);
	}

	/**
	 * Return a credentials provider with the test credentials.
	 * @return the provider
	 */
	public static StaticCredentialsProvider credentials() {
		return StaticCredentialsProvider
			.create(AwsSessionCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN));
	}

	/**
	 * Return an HTTP client of the server.
	 * @param server the server
	 * @return the client
	 */
	public static InfisicalHttpClient client(InfisicalTestServer server) {
		return new InfisicalHttpClient(InfisicalSiteUrl.of(server.url(), false), new JdkClientHttpRequestFactory());
	}

	/**
	 * Return an AWS IAM login against the server.
	 * @param client the HTTP client of the server
	 * @param identityId the identity to log in as
	 * @return the authentication
	 */
	public static AwsIamAuthentication authentication(InfisicalHttpClient client, String identityId) {
		return new AwsIamAuthentication(AwsIamAuthenticationOptions.builder()
			.identityId(identityId)
			.credentialsProvider(credentials())
			.regionProvider(() -> Region.US_EAST_1)
			.build(), client);
	}

	/**
	 * Return a provider builder with a fast policy: short backoff and margins.
	 * @param server the server
	 * @param refreshBeforeExpiry how long before expiry to refresh
	 * @return the builder
	 */
	public static LifecycleAwareTokenProvider.Builder provider(InfisicalTestServer server,
			Duration refreshBeforeExpiry) {
		InfisicalHttpClient client = client(server);
		return LifecycleAwareTokenProvider.builder(authentication(client, IDENTITY_ID), client)
			.maxWait(Duration.ofSeconds(5))
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
