package io.github.infisicalawsauth.authentication;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.TokenResponse;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for {@link AwsIamAuthentication} against the in-process server, whose
 * fake STS verifies the SigV4 signature.
 *
 * @author Infisical AWS Auth contributors
 */
class AwsIamAuthenticationIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<InfisicalTestServer> servers = new ArrayList<>();

	@AfterEach
	void close() {
		this.servers.forEach(InfisicalTestServer::close);
	}

	@Test
	void loginBodyFollowsTheProtocol() {
		InfisicalTestServer server = server(Generation.CURRENT);
		TokenResponse response = authentication(server, options()).login();
		assertThat(response.accessToken()).isNotBlank();
		assertThat(response.expiresIn()).isEqualTo(3600);
		assertThat(response.accessTokenMaxTTL()).isEqualTo(86400);
		RecordedRequest request = server.requests("/api/v1/auth/aws-auth/login").get(0);
		assertThat(request.header("Authorization")).isNull();
		JsonNode body = JSON.readTree(request.body());
		assertThat(body.get("identityId").asString()).isEqualTo(InfisicalTestFixtures.IDENTITY_ID);
		assertThat(body.get("iamHttpRequestMethod").asString()).isEqualTo("POST");
		assertThat(decode(body.get("iamRequestBody").asString()))
			.isEqualTo("Action=GetCallerIdentity&Version=2011-06-15");
		JsonNode headers = JSON.readTree(decode(body.get("iamRequestHeaders").asString()));
		assertThat(headers.get("Host").asString()).isEqualTo("sts.us-east-1.amazonaws.com");
		assertThat(headers.get("X-Amz-Security-Token").asString()).isEqualTo(InfisicalTestFixtures.SESSION_TOKEN);
		assertThat(headers.has("Accept")).isFalse();
		assertThat(body.has("organizationSlug")).isFalse();
	}

	@Test
	void logsInOnTheServerOf2024() {
		InfisicalTestServer server = server(Generation.V2024);
		assertThat(authentication(server, options()).login().accessToken()).isNotBlank();
	}

	@Test
	void sendsTheOrganizationSlugWhenConfigured() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.addOrganization("payments");
		authentication(server,
				AwsIamAuthenticationOptions.builder()
					.identityId(InfisicalTestFixtures.IDENTITY_ID)
					.organizationSlug("payments")
					.credentialsProvider(InfisicalTestFixtures.credentials())
					.regionProvider(() -> Region.EU_WEST_1)
					.build())
			.login();
		JsonNode body = JSON.readTree(server.requests("/api/v1/auth/aws-auth/login").get(0).body());
		assertThat(body.get("organizationSlug").asString()).isEqualTo("payments");
	}

	@Test
	void unknownOrganizationIsReported() {
		InfisicalTestServer server = server(Generation.CURRENT);
		assertThatExceptionOfType(InfisicalLoginException.class)
			.isThrownBy(() -> authentication(server,
					AwsIamAuthenticationOptions.builder()
						.identityId(InfisicalTestFixtures.IDENTITY_ID)
						.organizationSlug("nope")
						.credentialsProvider(InfisicalTestFixtures.credentials())
						.regionProvider(() -> Region.US_EAST_1)
						.build())
				.login())
			.withMessageContaining("Sub organization with slug nope not found")
			.satisfies((ex) -> assertThat(ex.isTransient()).isFalse());
	}

	@Test
	void resolvesCredentialsAfreshForEveryLogin() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.addAwsCredentials("ASIAROTATED000000002", "rotated-secret", "rotated-session",
				InfisicalTestFixtures.ACCOUNT_ID, InfisicalTestFixtures.ROLE_SESSION_ARN);
		AtomicInteger resolutions = new AtomicInteger();
		AwsCredentialsProvider rotating = () -> (resolutions.incrementAndGet() == 1)
				? InfisicalTestFixtures.credentials().resolveCredentials()
				: AwsSessionCredentials.create("ASIAROTATED000000002", "rotated-secret", "rotated-session");
		AwsIamAuthentication authentication = authentication(server,
				AwsIamAuthenticationOptions.builder()
					.identityId(InfisicalTestFixtures.IDENTITY_ID)
					.credentialsProvider(rotating)
					.regionProvider(() -> Region.US_EAST_1)
					.build());
		authentication.login();
		authentication.login();
		assertThat(resolutions).hasValue(2);
		List<RecordedRequest> logins = server.requests("/api/v1/auth/aws-auth/login");
		assertThat(authorization(logins.get(0))).contains("Credential=" + InfisicalTestFixtures.ACCESS_KEY_ID + "/");
		assertThat(authorization(logins.get(1))).contains("Credential=ASIAROTATED000000002/");
	}

	@Test
	void wrongSecretIsRejectedByStsAsTransientServerError() {
		InfisicalTestServer server = server(Generation.V2024);
		AwsIamAuthentication authentication = authentication(server,
				AwsIamAuthenticationOptions.builder()
					.identityId(InfisicalTestFixtures.IDENTITY_ID)
					.credentialsProvider(() -> AwsSessionCredentials.create(InfisicalTestFixtures.ACCESS_KEY_ID,
							"not-the-secret", InfisicalTestFixtures.SESSION_TOKEN))
					.regionProvider(() -> Region.US_EAST_1)
					.build());
		// the 2024 server answers 500 when STS refuses the signature
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(authentication::login)
			.withMessageContaining("HTTP 500")
			.satisfies((ex) -> assertThat(ex.isTransient()).isTrue());
	}

	@Test
	void missingCredentialsAreAConfigurationError() {
		InfisicalTestServer server = server(Generation.CURRENT);
		AwsCredentialsProvider none = () -> {
			throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
		};
		assertThatExceptionOfType(InfisicalLoginException.class)
			.isThrownBy(() -> authentication(server,
					AwsIamAuthenticationOptions.builder()
						.identityId(InfisicalTestFixtures.IDENTITY_ID)
						.credentialsProvider(none)
						.regionProvider(() -> Region.US_EAST_1)
						.build())
				.login())
			.withMessageContaining("no AWS credentials found")
			.satisfies((ex) -> assertThat(ex.isTransient()).isFalse());
		assertThat(server.loginCount()).isZero();
	}

	@Test
	void missingRegionIsAConfigurationError() {
		InfisicalTestServer server = server(Generation.CURRENT);
		assertThatExceptionOfType(InfisicalLoginException.class).isThrownBy(() -> authentication(server,
				AwsIamAuthenticationOptions.builder()
					.identityId(InfisicalTestFixtures.IDENTITY_ID)
					.credentialsProvider(InfisicalTestFixtures.credentials())
					.regionProvider(() -> {
						throw SdkClientException.create("Unable to load region from any of the providers in the chain");
					})
					.build())
			.login()).withMessageContaining("no AWS region found").withMessageContaining("infisical.aws-auth.region");
		assertThat(server.loginCount()).isZero();
	}

	@Test
	void regionOfChinaPartitionFromTheChainIsRefused() {
		InfisicalTestServer server = server(Generation.CURRENT);
		assertThatExceptionOfType(InfisicalLoginException.class)
			.isThrownBy(() -> authentication(server,
					AwsIamAuthenticationOptions.builder()
						.identityId(InfisicalTestFixtures.IDENTITY_ID)
						.credentialsProvider(InfisicalTestFixtures.credentials())
						.regionProvider(() -> Region.CN_NORTH_1)
						.build())
				.login())
			.withMessageContaining("cn-north-1");
		assertThat(server.loginCount()).isZero();
	}

	@Test
	void optionsBuilderChecksArguments() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> AwsIamAuthenticationOptions.builder().identityId(" "))
			.withMessage("'identityId' must not be empty");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> AwsIamAuthenticationOptions.builder().build())
			.withMessage("'identityId' must not be empty");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> AwsIamAuthenticationOptions.builder().organizationSlug("x".repeat(65)))
			.withMessageContaining("'organizationSlug'");
	}

	private InfisicalTestServer server(Generation generation) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).start();
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		this.servers.add(server);
		return server;
	}

	private static AwsIamAuthenticationOptions options() {
		return AwsIamAuthenticationOptions.builder()
			.identityId(InfisicalTestFixtures.IDENTITY_ID)
			.credentialsProvider(InfisicalTestFixtures.credentials())
			.regionProvider(() -> Region.US_EAST_1)
			.build();
	}

	private static AwsIamAuthentication authentication(InfisicalTestServer server,
			AwsIamAuthenticationOptions options) {
		InfisicalHttpClient client = InfisicalTestFixtures.client(server);
		return new AwsIamAuthentication(options, client);
	}

	private static String authorization(RecordedRequest login) {
		JsonNode body = JSON.readTree(login.body());
		return JSON.readTree(decode(body.get("iamRequestHeaders").asString())).get("Authorization").asString();
	}

	private static String decode(String base64) {
		return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
	}

}
