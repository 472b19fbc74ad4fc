package io.github.infisicalawsauth.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.RecordedRequest;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.JdkClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Integration tests for {@link InfisicalSecretsClient} against the in-process Infisical
 * test server.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalSecretsClientIntegrationTests {

	private static final String PROJECT = "project-1";

	private static final String MULTI_LINE = "-----BEGIN KEY-----\nline 1\nline 2\n-----END KEY-----\n";

	private static final String UNICODE = "päss wörd ✓ 密码 🔑";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	// the waits between attempts, recorded instead of spent
	private final List<Duration> waits = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void getSecretsReadsRootAndNestedFoldersWithMultiLineAndUnicodeValues() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("ROOT_KEY", "root-value");
		server.project(PROJECT)
			.environment("dev")
			.folder("/app/backend")
			.secret("PEM", MULTI_LINE)
			.secret("UNICODE", UNICODE);
		InfisicalSecretsClient client = client(server);
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/")))
			.containsExactly(org.assertj.core.api.Assertions.entry("ROOT_KEY", "root-value"));
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/app/backend/")))
			.containsEntry("PEM", MULTI_LINE)
			.containsEntry("UNICODE", UNICODE)
			.hasSize(2);
	}

	@Test
	void getSecretsSendsEveryFlagExplicitly() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		client(server).getSecrets(SecretLocation.of(PROJECT, "dev", "/").withExpandReferences(false));
		RecordedRequest request = server.requests("/api/v4/secrets").get(0);
		assertThat(request.queryParameters()).containsEntry("projectId", PROJECT)
			.containsEntry("environment", "dev")
			.containsEntry("secretPath", "/")
			.containsEntry("viewSecretValue", "true")
			.containsEntry("expandSecretReferences", "false")
			.containsEntry("recursive", "false")
			.containsEntry("includeImports", "true")
			.containsEntry("include_imports", "true")
			.containsEntry("includePersonalOverrides", "false");
	}

	@Test
	void getSecretsRecursiveLetsTheRequestedFolderWin() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").folder("/app").secret("SHARED", "from-app").secret("A", "a");
		server.project(PROJECT).environment("dev").folder("/app/sub").secret("SHARED", "from-sub").secret("B", "b");
		InfisicalSecretsClient client = client(server);
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/app"))).containsOnlyKeys("SHARED", "A");
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/app").withRecursive(true)))
			.containsEntry("SHARED", "from-app")
			.containsEntry("A", "a")
			.containsEntry("B", "b");
	}

	@Test
	void getSecretsMergesImportsOwnFolderFirstThenLaterImports() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("shared").folder("/one").secret("X", "one").secret("Y", "one");
		server.project(PROJECT).environment("shared").folder("/two").secret("X", "two").secret("Z", "two");
		server.project(PROJECT)
			.environment("dev")
			.folder("/app")
			.secret("Z", "own")
			.importFrom("shared", "/one")
			.importFrom("shared", "/two");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/app");
		assertThat(client.getSecrets(location)).containsEntry("X", "two")
			.containsEntry("Y", "one")
			.containsEntry("Z", "own")
			.hasSize(3);
		assertThat(client.getSecrets(location.withIncludeImports(false))).containsOnlyKeys("Z");
	}

	@Test
	void getSecretsFallsBackToV3OnServersWithoutV4AndRemembersIt() {
		InfisicalTestServer server = server(Generation.V2024);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		assertThat(client.getSecrets(location)).containsEntry("KEY", "value");
		assertThat(client.getSecrets(location)).containsEntry("KEY", "value");
		assertThat(server.requests("/api/v4/secrets")).hasSize(1);
		assertThat(server.requests("/api/v3/secrets/raw")).hasSize(2);
		assertThat(server.requests("/api/v3/secrets/raw").get(0).queryParameters())
			.containsEntry("workspaceId", PROJECT)
			.containsEntry("include_imports", "true")
			.containsEntry("expandSecretReferences", "true");
		assertThat(client.getSecret(location, "KEY")).isEqualTo("value");
	}

	@Test
	void getSecretsWithPreviousSnapshotUsesEtagAndReturnsItWhenUnchanged() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		SecretsSnapshot first = client.getSecrets(location, null);
		assertThat(first.getEtag()).isNotNull();
		assertThat(client.getSecrets(location, first)).isSameAs(first);
		assertThat(server.requests("/api/v4/secrets").get(1).header("If-None-Match")).isEqualTo(first.getEtag());
		server.project(PROJECT).environment("dev").secret("KEY", "changed");
		SecretsSnapshot changed = client.getSecrets(location, first);
		assertThat(changed).isNotSameAs(first);
		assertThat(changed.getSecrets()).containsEntry("KEY", "changed");
	}

	@Test
	void getSecretsLogsInAgainOnceWhenTokenIsRevoked() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		client.getSecrets(location);
		assertThat(server.loginCount()).isOne();
		server.revokeAllTokens();
		assertThat(client.getSecrets(location)).containsEntry("KEY", "value");
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(server.requests("/api/v4/secrets")).hasSize(3);
	}

	@Test
	void getSecretsLogsInAgainWhenTheTokenUseCountIsExhausted() {
		InfisicalTestServer server = server(Generation.V2024);
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).numUsesLimit(2);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		for (int i = 0; i < 5; i++) {
			assertThat(client.getSecrets(location)).containsEntry("KEY", "value");
		}
		// two uses per token, the third call is refused and repeated with a new token
		assertThat(server.loginCount()).isEqualTo(3);
	}

	@Test
	void getSecretsRetriesRateLimitWithoutRetryAfterWithItsOwnBackoff() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		server.enqueueFaults("/api/v4/secrets", Fault.status(429), Fault.status(429));
		assertThat(client.getSecrets(location)).containsEntry("KEY", "value");
		// the backoff of 10 ms, then 20 ms, with jitter
		assertThat(this.waits).hasSize(2)
			.allSatisfy((wait) -> assertThat(wait).isLessThanOrEqualTo(Duration.ofMillis(20)));
		assertThat(server.requests("/api/v4/secrets")).hasSize(3);
	}

	@Test
	void getSecretsRetriesOnceAfterTokenErrorAndThenGivesUp() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		AtomicInteger rejected = new AtomicInteger();
		InfisicalTokenProvider malformed = new InfisicalTokenProvider() {

			@Override
			public InfisicalAccessToken getToken() {
				return InfisicalAccessToken.of("not-a-jwt", null);
			}

			@Override
			public void tokenRejected(InfisicalAccessToken token) {
				rejected.incrementAndGet();
			}

		};
		InfisicalSecretsClient client = InfisicalSecretsClient.builder(InfisicalTestFixtures.client(server), malformed)
			.build();
		assertThatExceptionOfType(InfisicalApiException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of(PROJECT, "dev", "/")))
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("TokenError"))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(403));
		assertThat(rejected).hasValue(1);
		assertThat(server.requests("/api/v4/secrets")).hasSize(2);
	}

	@Test
	void getSecretsRecoversFromTokenErrorWithFreshLogin() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		LifecycleAwareTokenProvider real = provider(server);
		AtomicInteger calls = new AtomicInteger();
		InfisicalTokenProvider firstMalformed = new InfisicalTokenProvider() {

			@Override
			public InfisicalAccessToken getToken() {
				return (calls.getAndIncrement() == 0) ? InfisicalAccessToken.of("not-a-jwt", null) : real.getToken();
			}

			@Override
			public void tokenRejected(InfisicalAccessToken token) {
				real.tokenRejected(token);
			}

		};
		InfisicalSecretsClient client = InfisicalSecretsClient
			.builder(InfisicalTestFixtures.client(server), firstMalformed)
			.build();
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/"))).containsEntry("KEY", "value");
		assertThat(server.requests("/api/v4/secrets")).hasSize(2);
	}

	@Test
	void getSecretsLogsInAgainWhenTheServerFindsTheTokenExpired() {
		// the server's clock jumps past the JWT's exp while this host's still says valid:
		// 403 TokenError, as for an expired token
		AtomicReference<Duration> jump = new AtomicReference<>(Duration.ZERO);
		Clock serverClock = new Clock() {

			@Override
			public Instant instant() {
				return Instant.now().plus(jump.get());
			}

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}

		};
		InfisicalTestServer server = InfisicalTestServer.builder().clock(serverClock).start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofMinutes(10), Duration.ofMinutes(10));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		client.getSecrets(location);
		// past the 10 minutes of the JWT, within the 15 minutes STS tolerates for the
		// login
		jump.set(Duration.ofMinutes(11));
		assertThat(client.getSecrets(location)).containsEntry("KEY", "value");
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(server.requests("/api/v4/secrets")).hasSize(3);
	}

	@Test
	void getSecretsWithoutPermissionNamesProjectEnvironmentAndPathWithoutLoggingInAgain() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project("other-project").environment("prod").folder("/db").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		assertThatExceptionOfType(InfisicalApiException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of("other-project", "prod", "/db")))
			.withMessageContaining("project 'other-project', environment 'prod', path '/db'")
			.withMessageContaining("permission denied")
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(403));
		assertThat(server.loginCount()).isOne();
		assertThat(server.requests("/api/v4/secrets")).hasSize(1);
	}

	@Test
	void getSecretsWithHiddenValueFailsNamingTheKeyButNotTheValue() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").folder("/hidden").secret("DB_PASSWORD", "s3cr3t-hidden");
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).hiddenValues(PROJECT, "dev", "/hidden");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/hidden");
		assertThatExceptionOfType(InfisicalException.class).isThrownBy(() -> client.getSecrets(location))
			.withMessageContaining("'DB_PASSWORD'")
			.withMessageContaining("path '/hidden'")
			.withMessageNotContaining("s3cr3t-hidden")
			.withMessageNotContaining("<hidden-by-infisical>");
		assertThatExceptionOfType(InfisicalException.class).isThrownBy(() -> client.getSecret(location, "DB_PASSWORD"))
			.withMessageContaining("'DB_PASSWORD'");
	}

	@Test
	void getSecretsOfMissingFolderThrowsNotFound() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev");
		assertThatExceptionOfType(SecretsNotFoundException.class)
			.isThrownBy(() -> client(server).getSecrets(SecretLocation.of(PROJECT, "dev", "/missing")))
			.withMessageContaining("path '/missing'");
	}

	@Test
	void getSecretsOfMissingFolderOn2024ServerThrowsNotFound() {
		// that server answers 200 with empty lists; its folders API tells the
		// difference
		InfisicalTestServer server = server(Generation.V2024);
		server.project(PROJECT).environment("dev").folder("/app").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		assertThatExceptionOfType(SecretsNotFoundException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of(PROJECT, "dev", "/app/missing")))
			.withMessageContaining("path '/app/missing'")
			.withMessageContaining("does not exist");
		assertThatExceptionOfType(SecretsNotFoundException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of(PROJECT, "dev", "/missing/deeper")));
		assertThatExceptionOfType(SecretsNotFoundException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of(PROJECT, "nope", "/")))
			.withMessageContaining("Environment with slug 'nope' not found");
	}

	@Test
	void getSecretsOfEmptyFolderOn2024ServerIsEmptyAndOnlyThenAsksForFolders() {
		InfisicalTestServer server = server(Generation.V2024);
		server.project(PROJECT).environment("dev").secret("ROOT", "value");
		server.project(PROJECT).environment("dev").folder("/empty");
		InfisicalSecretsClient client = client(server);
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/"))).containsOnlyKeys("ROOT");
		assertThat(server.folderReadCount()).isZero();
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/empty"))).isEmpty();
		assertThat(server.folderReadCount()).isOne();
		assertThat(server.requests("/api/v1/folders").get(0).queryParameters()).containsEntry("path", "/")
			.containsEntry("workspaceId", PROJECT)
			.containsEntry("environment", "dev");
	}

	@Test
	void getSecretsOfAnOversizedAnswerFailsWithoutReadingItWhole() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		server.enqueueFaults("/api/v4/secrets", Fault.oversizedBody(512L * 1024 * 1024));
		assertThatExceptionOfType(InfisicalApiException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of(PROJECT, "dev", "/")))
			.withMessageContaining("infisical.max-response-size")
			.withMessageContaining("536870912 bytes");
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/"))).containsEntry("KEY", "value");
	}

	@Test
	void getSecretsRetriesRateLimitHonouringRetryAfter() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/");
		client.getSecrets(location);
		server.enqueueFaults("/api/v4/secrets", Fault.rateLimited(Duration.ofSeconds(1)));
		assertThat(client.getSecrets(location)).containsEntry("KEY", "value");
		assertThat(this.waits).singleElement()
			.satisfies((wait) -> assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1250)));
		assertThat(server.requests("/api/v4/secrets")).hasSize(3);
	}

	@Test
	void getSecretsHonoursRetryAfterAsAnHttpDateMeasuredOnTheServerClock() {
		// the server's clock is 10 minutes behind this host's (STS tolerates 15):
		// only its own Date header gives the right wait
		InfisicalTestServer server = InfisicalTestServer.builder()
			.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)))
			.start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofHours(3), Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		InfisicalSecretsClient client = InfisicalSecretsClient
			.builder(InfisicalTestFixtures.client(server), provider(server))
			.retry(RetryBackoff.builder()
				.initialInterval(Duration.ofMillis(10))
				.maxInterval(Duration.ofMillis(20))
				.sleeper(this.waits::add)
				.build())
			.build();
		server.enqueueFaults("/api/v4/secrets", Fault.rateLimitedUntil(Duration.ofSeconds(2)));
		assertThat(client.getSecrets(SecretLocation.of(PROJECT, "dev", "/"))).containsEntry("KEY", "value");
		// 1 to 2 s by the server's own Date; by this host's clock it would be -10 min
		assertThat(this.waits).singleElement()
			.satisfies((wait) -> assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofMillis(2250)));
		assertThat(server.requests("/api/v4/secrets")).hasSize(2);
	}

	@Test
	void getSecretsRetriesServerErrorsThenFails() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("KEY", "value");
		server.failAlways("/api/v4/secrets", Fault.status(503));
		InfisicalSecretsClient client = InfisicalSecretsClient
			.builder(InfisicalTestFixtures.client(server), provider(server))
			.retry(RetryBackoff.builder()
				.initialInterval(Duration.ofMillis(10))
				.maxInterval(Duration.ofMillis(20))
				.maxAttempts(3)
				.build())
			.build();
		assertThatExceptionOfType(InfisicalApiException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of(PROJECT, "dev", "/")))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(503));
		assertThat(server.requests("/api/v4/secrets")).hasSize(3);
	}

	@Test
	void getSecretsLargerThanTheLimitFailsNamingTheProperty() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("BIG", "x".repeat(4096));
		InfisicalHttpClient http = new InfisicalHttpClient(InfisicalSiteUrl.of(server.url(), false),
				new JdkClientHttpRequestFactory(), 2048);
		InfisicalSecretsClient client = InfisicalSecretsClient.builder(http, provider(server)).build();
		assertThatExceptionOfType(InfisicalApiException.class)
			.isThrownBy(() -> client.getSecrets(SecretLocation.of(PROJECT, "dev", "/")))
			.withMessageContaining("infisical.max-response-size")
			.withMessageContaining("limit 2048 bytes")
			.withMessageNotContaining("xxxx")
			.satisfies((ex) -> assertThat(ex.isTransient()).isFalse());
		// not retried: the same answer would come back
		assertThat(server.requests("/api/v4/secrets")).hasSize(1);
	}

	@Test
	void getSecretReadsOneSecretIncludingImportsAndReportsMissingOnes() {
		InfisicalTestServer server = server(Generation.CURRENT);
		server.project(PROJECT).environment("shared").folder("/common").secret("IMPORTED", "imported-value");
		server.project(PROJECT)
			.environment("dev")
			.folder("/app")
			.secret("NAME WITH/SLASH", "odd")
			.importFrom("shared", "/common");
		InfisicalSecretsClient client = client(server);
		SecretLocation location = SecretLocation.of(PROJECT, "dev", "/app");
		assertThat(client.getSecret(location, "IMPORTED")).isEqualTo("imported-value");
		assertThat(client.getSecret(location, "NAME WITH/SLASH")).isEqualTo("odd");
		assertThatExceptionOfType(SecretsNotFoundException.class)
			.isThrownBy(() -> client.getSecret(location, "MISSING"))
			.withMessageContaining("secret 'MISSING'");
	}

	private InfisicalTestServer server(Generation generation) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(generation).start();
		this.closeables.add(server);
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		return server;
	}

	private LifecycleAwareTokenProvider provider(InfisicalTestServer server) {
		LifecycleAwareTokenProvider provider = InfisicalTestFixtures.provider(server, Duration.ofMinutes(1)).build();
		this.closeables.add(0, provider);
		provider.getToken(Duration.ofSeconds(5));
		return provider;
	}

	private InfisicalSecretsClient client(InfisicalTestServer server) {
		InfisicalHttpClient http = InfisicalTestFixtures.client(server);
		return InfisicalSecretsClient.builder(http, provider(server))
			.retry(RetryBackoff.builder()
				.initialInterval(Duration.ofMillis(10))
				.maxInterval(Duration.ofMillis(50))
				.maxAttempts(5)
				.sleeper(this.waits::add)
				.build())
			.build();
	}

}
