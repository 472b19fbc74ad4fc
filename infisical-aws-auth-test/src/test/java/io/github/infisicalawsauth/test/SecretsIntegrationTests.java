package io.github.infisicalawsauth.test;

import java.net.http.HttpResponse;
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
 * Integration tests for the secrets routes of {@link InfisicalTestServer}.
 *
 * @author Infisical AWS Auth contributors
 */
class SecretsIntegrationTests {

	private static final String V4_LIST = "/api/v4/secrets?projectId=p1&environment=dev&secretPath=/app/backend"
			+ "&viewSecretValue=true&expandSecretReferences=true&recursive=false&includeImports=true"
			+ "&includePersonalOverrides=false";

	private static final String V3_LIST = "/api/v3/secrets/raw?workspaceId=p1&environment=dev&secretPath=/app/backend"
			+ "&include_imports=true&recursive=false&expandSecretReferences=true";

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
		ProjectSpec project = this.server.project("p1");
		project.environment("dev").secret("ROOT_KEY", "root");
		project.environment("dev")
			.folder("/app/backend")
			.secret("SERVICE_URL", "https://backend.dev.internal")
			.secret("NESTED_SECRET", "dev-nested-value", "a comment")
			.secret("REF", "${SERVICE_URL}/x and ${shared.db.PASSWORD}")
			.importFrom("shared", "/db")
			.importFrom("dev", "/common");
		project.environment("dev").folder("/app/backend/worker").secret("WORKER", "w");
		project.environment("shared").folder("/db").secret("PASSWORD", "pw\nline2 ünïcode");
		project.environment("dev").folder("/common").secret("COMMON", "c");
		this.client = new TestClient(this.server, this.clock);
		this.token = this.client.loginForToken();
	}

	@Test
	void v4ListReturnsFolderSecretsAndImportsSeparately() {
		start(Generation.CURRENT);
		HttpResponse<String> response = this.client.get(V4_LIST, this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("ETag"))
			.hasValueSatisfying((etag) -> assertThat(etag).startsWith("\""));
		JsonNode body = TestClient.json(response);
		assertThat(keys(body.get("secrets"))).containsExactly("SERVICE_URL", "NESTED_SECRET", "REF");
		JsonNode nested = body.get("secrets").get(1);
		assertThat(nested.get("secretValue").asString()).isEqualTo("dev-nested-value");
		assertThat(nested.get("secretComment").asString()).isEqualTo("a comment");
		assertThat(nested.get("secretPath").asString()).isEqualTo("/app/backend");
		assertThat(nested.get("environment").asString()).isEqualTo("dev");
		assertThat(nested.get("workspace").asString()).isEqualTo("p1");
		assertThat(nested.get("type").asString()).isEqualTo("shared");
		assertThat(nested.get("version").asInt()).isEqualTo(1);
		assertThat(nested.get("secretValueHidden").asBoolean()).isFalse();
		assertThat(nested.get("tags").isArray()).isTrue();
		assertThat(body.get("secrets").get(2).get("secretValue").asString())
			.isEqualTo("https://backend.dev.internal/x and pw\nline2 ünïcode");
		JsonNode imports = body.get("imports");
		assertThat(imports).hasSize(2);
		assertThat(imports.get(0).get("environment").asString()).isEqualTo("shared");
		assertThat(imports.get(0).get("secretPath").asString()).isEqualTo("/db");
		assertThat(imports.get(0).get("folderId").asString()).isNotEmpty();
		assertThat(keys(imports.get(0).get("secrets"))).containsExactly("PASSWORD");
		assertThat(imports.get(1).get("secretPath").asString()).isEqualTo("/common");
		RecordedRequest request = this.server.requests("/api/v4/secrets").get(0);
		assertThat(request.queryParameter("expandSecretReferences")).isEqualTo("true");
		assertThat(request.queryParameter("includePersonalOverrides")).isEqualTo("false");
		assertThat(request.header("authorization")).isEqualTo("Bearer " + this.token);
		assertThat(this.server.secretReadCount()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void v3ListWithoutExpansionReturnsRawReferences(Generation generation) {
		start(generation);
		HttpResponse<String> response = this.client
			.get(V3_LIST.replace("expandSecretReferences=true", "expandSecretReferences=false"), this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode secrets = TestClient.json(response).get("secrets");
		assertThat(secrets.get(2).get("secretValue").asString())
			.isEqualTo("${SERVICE_URL}/x and ${shared.db.PASSWORD}");
		assertThat(secrets.get(0).has("secretValueHidden")).isEqualTo(generation == Generation.CURRENT);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void recursiveListIncludesSubfolders(Generation generation) {
		start(generation);
		JsonNode secrets = TestClient
			.json(this.client.get(V3_LIST.replace("recursive=false", "recursive=true"), this.token))
			.get("secrets");
		assertThat(keys(secrets)).containsExactly("SERVICE_URL", "NESTED_SECRET", "REF", "WORKER");
		assertThat(secrets.get(3).get("secretPath").asString()).isEqualTo("/app/backend/worker");
	}

	@Test
	void v4RoutesAreMissingOn2024() {
		start(Generation.V2024);
		HttpResponse<String> response = this.client.get(V4_LIST, this.token);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).isEqualTo(
				"{\"statusCode\":404,\"message\":\"Route GET:/api/v4/secrets not found\",\"error\":\"Not Found\"}");
		assertThat(this.client.get("/api/v4/secrets/KEY?projectId=p1&environment=dev", this.token).statusCode())
			.isEqualTo(404);
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void matchingIfNoneMatchIsNotModifiedUntilSecretChanges(Generation generation) {
		start(generation);
		HttpResponse<String> first = this.client.get(V3_LIST, this.token);
		String etag = first.headers().firstValue("ETag").orElseThrow();
		HttpResponse<String> second = this.client.get(V3_LIST, this.token, "If-None-Match", etag);
		assertThat(second.statusCode()).isEqualTo(304);
		assertThat(second.body()).isEmpty();
		this.server.project("p1").environment("dev").folder("/app/backend").secret("SERVICE_URL", "changed");
		HttpResponse<String> third = this.client.get(V3_LIST, this.token, "If-None-Match", etag);
		assertThat(third.statusCode()).isEqualTo(200);
		assertThat(third.headers().firstValue("ETag")).isNotEqualTo(first.headers().firstValue("ETag"));
		assertThat(TestClient.json(third).get("secrets").get(0).get("version").asInt()).isEqualTo(2);
	}

	@Test
	void removedSecretChangesETag() {
		start(Generation.CURRENT);
		String etag = this.client.get(V4_LIST, this.token).headers().firstValue("ETag").orElseThrow();
		this.server.project("p1").environment("dev").folder("/app/backend").removeSecret("REF");
		HttpResponse<String> response = this.client.get(V4_LIST, this.token, "If-None-Match", etag);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(keys(TestClient.json(response).get("secrets"))).doesNotContain("REF");
	}

	@Test
	void hiddenValuesAreMaskedOnCurrent() {
		start(Generation.CURRENT);
		this.identity.hiddenValues("p1", "dev", "/app/backend");
		JsonNode secret = TestClient.json(this.client.get(V4_LIST, this.token)).get("secrets").get(0);
		assertThat(secret.get("secretValueHidden").asBoolean()).isTrue();
		assertThat(secret.get("secretValue").asString()).isEqualTo("<hidden-by-infisical>");
	}

	@Test
	void viewSecretValueFalseMasksEveryValueOnCurrent() {
		start(Generation.CURRENT);
		JsonNode body = TestClient
			.json(this.client.get(V4_LIST.replace("viewSecretValue=true", "viewSecretValue=false"), this.token));
		assertThat(body.get("secrets").get(0).get("secretValue").asString()).isEqualTo("<hidden-by-infisical>");
		assertThat(body.get("imports").get(0).get("secrets").get(0).get("secretValueHidden").asBoolean()).isTrue();
	}

	@Test
	void hiddenValuesAreForbiddenOn2024() {
		start(Generation.V2024);
		this.identity.hiddenValues("p1", "dev", "/app/backend");
		HttpResponse<String> response = this.client.get(V3_LIST, this.token);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(TestClient.json(response).get("error").asString()).isEqualTo("PermissionDenied");
	}

	@ParameterizedTest
	@EnumSource(Generation.class)
	void projectWithoutReadAccessIsPermissionDenied(Generation generation) {
		start(generation);
		this.server.project("p2").environment("dev").secret("A", "b");
		HttpResponse<String> response = this.client
			.get("/api/v3/secrets/raw?workspaceId=p2&environment=dev&secretPath=/", this.token);
		assertThat(response.statusCode()).isEqualTo(403);
		JsonNode body = TestClient.json(response);
		assertThat(body.get("error").asString()).isEqualTo("PermissionDenied");
		assertThat(body.has("details")).isTrue();
	}

	@Test
	void missingFolderIsNotFoundOnCurrent() {
		start(Generation.CURRENT);
		HttpResponse<String> response = this.client.get(V4_LIST.replace("/app/backend", "/x"), this.token);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(TestClient.json(response).get("message").asString())
			.isEqualTo("Folder with path '/x' in environment 'dev' was not found");
	}

	@Test
	void missingFolderIsEmptyOn2024() {
		start(Generation.V2024);
		HttpResponse<String> response = this.client.get(V3_LIST.replace("environment=dev", "environment=prod"),
				this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"secrets\":[],\"imports\":[]}");
	}

	@Test
	void singleSecretOnCurrent() {
		start(Generation.CURRENT);
		HttpResponse<String> response = this.client
			.get("/api/v4/secrets/NESTED_SECRET?projectId=p1&environment=dev&secretPath=/app/backend", this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("ETag")).isPresent();
		JsonNode secret = TestClient.json(response).get("secret");
		assertThat(secret.get("secretKey").asString()).isEqualTo("NESTED_SECRET");
		assertThat(secret.get("secretValue").asString()).isEqualTo("dev-nested-value");
		response = this.client.get("/api/v4/secrets/NOPE?projectId=p1&environment=dev&secretPath=/app/backend",
				this.token);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(TestClient.json(response).get("message").asString()).isEqualTo("Secret with name 'NOPE' not found");
	}

	@Test
	void singleSecretOn2024LooksLikeFixture() {
		start(Generation.V2024);
		HttpResponse<String> response = this.client.get(
				"/api/v3/secrets/raw/NESTED_SECRET?workspaceId=p1&environment=dev&secretPath=/app/backend", this.token);
		JsonNode secret = TestClient.json(response).get("secret");
		List<String> fields = new ArrayList<>(secret.propertyNames());
		assertThat(fields).containsExactly("id", "_id", "workspace", "environment", "version", "type", "secretKey",
				"secretValue", "secretComment", "secretReminderNote", "secretReminderRepeatDays",
				"skipMultilineEncoding", "metadata", "createdAt", "updatedAt", "tags");
		assertThat(secret.get("createdAt").asString()).isEqualTo("2025-01-15T10:00:00.000Z");
		response = this.client.get("/api/v3/secrets/raw/NOPE?workspaceId=p1&environment=dev&secretPath=/app/backend",
				this.token);
		assertThat(response.body())
			.isEqualTo("{\"statusCode\":404,\"message\":\"Secret with name 'NOPE' not found\",\"error\":\"NotFound\"}");
	}

	@Test
	void singleSecretFromImportWithEncodedName() {
		start(Generation.CURRENT);
		this.server.project("p1").environment("dev").folder("/common").secret("A B/C", "special");
		HttpResponse<String> response = this.client
			.get("/api/v4/secrets/A%20B%2FC?projectId=p1&environment=dev&secretPath=/app/backend", this.token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(TestClient.json(response).get("secret").get("secretPath").asString()).isEqualTo("/common");
	}

	@Test
	void tagSlugsFilterSecrets() {
		start(Generation.CURRENT);
		this.server.project("p1").environment("dev").folder("/app/backend").tags("REF", "backend");
		JsonNode secrets = TestClient.json(this.client.get(V4_LIST + "&tagSlugs=backend,other", this.token))
			.get("secrets");
		assertThat(keys(secrets)).containsExactly("REF");
		assertThat(secrets.get(0).get("tags").get(0).get("slug").asString()).isEqualTo("backend");
	}

	@Test
	void invalidFlagIsValidationFailure() {
		start(Generation.CURRENT);
		HttpResponse<String> response = this.client.get(V4_LIST.replace("recursive=false", "recursive=yes"),
				this.token);
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(TestClient.json(response).get("message").get(0).get("path").get(0).asString())
			.isEqualTo("recursive");
	}

	@Test
	void unknownRouteIsNotFound() {
		start(Generation.CURRENT);
		HttpResponse<String> response = this.client.get("/api/v9/nothing", this.token);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(TestClient.json(response).get("reqId").asString()).startsWith("req-");
	}

	private static List<String> keys(JsonNode secrets) {
		List<String> keys = new ArrayList<>();
		secrets.forEach((secret) -> keys.add(secret.get("secretKey").asString()));
		return keys;
	}

}
