package io.github.infisicalawsauth.test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for the folders route of {@link InfisicalTestServer}, shaped after
 * the {@code folders-v1-*} captures of an October 2024 server.
 *
 * @author Infisical AWS Auth contributors
 */
class FoldersIntegrationTests {

	private static final String FOLDERS = "/api/v1/folders?workspaceId=p1&environment=dev";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	private TestClient client;

	private IdentitySpec identity;

	private String token;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private void start(Generation generation) {
		this.server = InfisicalTestServer.builder().generation(generation).clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.identity = this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1");
		EnvironmentSpec dev = this.server.project("p1").environment("dev");
		dev.folder("/app");
		this.clock.advance(Duration.ofMillis(80));
		dev.folder("/app/backend").secret("NESTED_SECRET", "dev-nested-value");
		dev.folder("/app/api");
		this.server.project("p1").environment("prod").folder("/other");
		this.client = new TestClient(this.server, this.clock);
		this.token = this.client.loginForToken();
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void rootListsItsDirectChildrenLikeTheFixture(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.get(FOLDERS + "&path=/", this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
		JsonNode folders = TestClient.json(response).get("folders");
		assertThat(folders).hasSize(1);
		JsonNode app = folders.get(0);
		assertThat(new ArrayList<>(app.propertyNames())).containsExactly("id", "name", "version", "createdAt",
				"updatedAt", "envId", "parentId", "isReserved");
		assertThat(app.get("name").asString()).isEqualTo("app");
		assertThat(app.get("version").asInt()).isEqualTo(1);
		assertThat(app.get("createdAt").asString()).isEqualTo("2025-01-15T10:00:00.000Z");
		assertThat(app.get("updatedAt").asString()).isEqualTo("2025-01-15T10:00:00.000Z");
		assertThat(app.get("isReserved").asBoolean()).isFalse();
		assertThat(app.get("id").asString()).hasSize(36).isNotEqualTo(app.get("parentId").asString());
		assertThat(app.get("envId").asString()).hasSize(36);
	}

	@Test
	void subFolderListsItsChildrenWithTheParentId() {
		start(Generation.V2024);
		JsonNode app = TestClient.json(this.client.get(FOLDERS + "&path=/", this.token)).get("folders").get(0);
		JsonNode children = TestClient.json(this.client.get(FOLDERS + "&path=/app", this.token)).get("folders");
		assertThat(names(children)).containsExactly("api", "backend");
		for (JsonNode child : children) {
			assertThat(child.get("parentId").asString()).isEqualTo(app.get("id").asString());
			assertThat(child.get("envId").asString()).isEqualTo(app.get("envId").asString());
			assertThat(child.get("createdAt").asString()).isEqualTo("2025-01-15T10:00:00.080Z");
		}
		assertThat(this.client.get(FOLDERS + "&path=/app/backend", this.token).body()).isEqualTo("{\"folders\":[]}");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void missingPathIsAnEmptyList(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.get(FOLDERS + "&path=/does-not-exist", this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"folders\":[]}");
	}

	@Test
	void missingEnvironmentIsNotFoundLikeTheFixtureOn2024() {
		start(Generation.V2024);
		HttpResponse<String> response = this.client.get("/api/v1/folders?workspaceId=p1&environment=nope&path=/",
				this.token);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).isEqualTo(
				"{\"statusCode\":404,\"message\":\"Environment with slug 'nope' not found\",\"error\":\"NotFound\"}");
		// while the secrets route answers an empty list for the same environment
		HttpResponse<String> secrets = this.client
			.get("/api/v3/secrets/raw?workspaceId=p1&environment=nope&secretPath=/&include_imports=true", this.token);
		assertThat(secrets.statusCode()).isEqualTo(200);
		assertThat(secrets.body()).isEqualTo("{\"secrets\":[],\"imports\":[]}");
	}

	@Test
	void missingEnvironmentIsNotFoundWithRequestIdOnCurrent() {
		start(Generation.CURRENT);
		HttpResponse<String> response = this.client.get("/api/v1/folders?workspaceId=p1&environment=nope&path=/",
				this.token);
		assertThat(response.statusCode()).isEqualTo(404);
		JsonNode body = TestClient.json(response);
		assertThat(body.get("reqId").asString()).startsWith("req-");
		assertThat(body.get("message").asString()).isEqualTo("Environment with slug 'nope' not found");
		assertThat(body.get("error").asString()).isEqualTo("NotFound");
	}

	@Test
	void pathWinsOverLegacyDirectory() {
		start(Generation.V2024);
		assertThat(names(TestClient.json(this.client.get(FOLDERS + "&directory=/app", this.token)).get("folders")))
			.containsExactly("app");
		assertThat(
				names(TestClient.json(this.client.get(FOLDERS + "&directory=/&path=/app/", this.token)).get("folders")))
			.containsExactly("api", "backend");
	}

	@Test
	void otherEnvironmentHasItsOwnFolders() {
		start(Generation.V2024);
		JsonNode other = TestClient
			.json(this.client.get("/api/v1/folders?workspaceId=p1&environment=prod&path=/", this.token))
			.get("folders");
		assertThat(names(other)).containsExactly("other");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void missingTokenIsUnauthorized(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.get(FOLDERS, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestClient.json(response).get("message").asString()).isEqualTo("Token missing");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void malformedTokenIsTokenError(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.get(FOLDERS, "not.a.jwt");
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(TestClient.json(response).get("error").asString()).isEqualTo("TokenError");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void revokedTokenIsUnauthorized(Generation generation) {
		start(generation);
		this.server.revokeAllTokens();
		HttpResponse<String> response = this.client.get(FOLDERS, this.token);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(TestClient.json(response).get("message").asString()).isEqualTo("No identity access token found");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void projectWithoutReadAccessIsPermissionDenied(Generation generation) {
		start(generation);
		this.server.project("p2").environment("dev").folder("/x");
		HttpResponse<String> response = this.client.get("/api/v1/folders?workspaceId=p2&environment=dev", this.token);
		assertThat(response.statusCode()).isEqualTo(403);
		JsonNode body = TestClient.json(response);
		assertThat(body.get("error").asString()).isEqualTo("PermissionDenied");
		assertThat(body.get("details").get(0).get("subject").asString()).isEqualTo("secret-folders");
	}

	@Test
	void tokenUsesAreCounted() {
		start(Generation.V2024);
		this.identity.numUsesLimit(2);
		String limited = this.client.loginForToken();
		assertThat(this.client.get(FOLDERS, limited).statusCode()).isEqualTo(200);
		assertThat(this.client.get(FOLDERS, limited).statusCode()).isEqualTo(200);
		assertThat(this.client.get(FOLDERS, limited).statusCode()).isEqualTo(401);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void missingWorkspaceIdIsValidationFailure(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client.get("/api/v1/folders?environment=dev", this.token);
		assertThat(response.statusCode()).isEqualTo((generation == Generation.CURRENT) ? 422 : 401);
		assertThat(TestClient.json(response).get("message").get(0).get("path").get(0).asString())
			.isEqualTo("workspaceId");
	}

	@Test
	void newFolderChangesTheETag() {
		start(Generation.V2024);
		HttpResponse<String> first = this.client.get(FOLDERS + "&path=/app", this.token);
		String etag = first.headers().firstValue("ETag").orElseThrow();
		assertThat(this.client.get(FOLDERS + "&path=/app", this.token, "If-None-Match", etag).statusCode())
			.isEqualTo(304);
		this.server.project("p1").environment("dev").folder("/app/worker");
		HttpResponse<String> changed = this.client.get(FOLDERS + "&path=/app", this.token, "If-None-Match", etag);
		assertThat(changed.statusCode()).isEqualTo(200);
		assertThat(names(TestClient.json(changed).get("folders"))).containsExactly("api", "backend", "worker");
	}

	@Test
	void folderReadsAreCountedAndRecorded() {
		start(Generation.CURRENT);
		this.client.get(FOLDERS, this.token);
		this.client.get(FOLDERS, null);
		this.client.get("/api/v1/folders?workspaceId=p1&environment=nope", this.token);
		assertThat(this.server.folderReadCount()).isEqualTo(3);
		assertThat(this.server.secretReadCount()).isZero();
		assertThat(this.server.requests(FolderRoutes.PATH)).hasSize(3)
			.allSatisfy((request) -> assertThat(request.method()).isEqualTo("GET"));
		this.server.clearRequests();
		assertThat(this.server.folderReadCount()).isZero();
	}

	private static List<String> names(JsonNode folders) {
		List<String> names = new ArrayList<>();
		folders.forEach((folder) -> names.add(folder.get("name").asString()));
		return names;
	}

}
