package io.github.infisicalawsauth.test;

import java.util.List;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The folders route, {@code GET /api/v1/folders}, as the October 2024 server has it (and
 * current servers still do): the direct child folders of a path. It is the way to tell a
 * missing folder from an empty one on a server whose secrets routes answer both with
 * empty lists.
 *
 * @author Infisical AWS Auth contributors
 */
final class FolderRoutes {

	static final String PATH = "/api/v1/folders";

	private final InfisicalTestServer server;

	private final Generation generation;

	FolderRoutes(InfisicalTestServer server) {
		this.server = server;
		this.generation = server.generation();
	}

	Reply list(RecordedRequest request) {
		IdentitySpec identity = this.server.authenticate(request);
		QueryParameters query = new QueryParameters(request.queryParameters(), this.generation);
		String projectId = query.required("workspaceId");
		String environment = query.required("environment");
		// the legacy "directory" parameter is accepted, but "path" (default "/")
		// always wins
		String path = SecretStore.removeTrailingSlash(query.optional("path", "/").trim());
		query.failIfInvalid();
		checkCanRead(identity, projectId, environment, path);
		List<Object> key = List.of("folders", projectId, environment, path);
		return this.server.renderedAnswers().answer(request, key, () -> {
			SecretStore store = this.server.store();
			EnvironmentSpec found = store.findEnvironment(projectId, environment);
			if (found == null) {
				throw ApiError.notFound("Environment with slug '" + environment + "' not found");
			}
			ObjectNode body = Json.MAPPER.createObjectNode();
			ArrayNode folders = body.putArray("folders");
			FolderSpec parent = found.find(path);
			if (parent != null) {
				for (FolderSpec child : found.children(parent)) {
					folders.add(folderJson(child, parent));
				}
			}
			return body;
		});
	}

	private static ObjectNode folderJson(FolderSpec folder, FolderSpec parent) {
		String timestamp = SecretRoutes.TIMESTAMP.format(folder.createdAt());
		ObjectNode json = Json.MAPPER.createObjectNode();
		json.put("id", folder.id());
		json.put("name", folder.name());
		json.put("version", 1);
		json.put("createdAt", timestamp);
		json.put("updatedAt", timestamp);
		json.put("envId", folder.environment().id());
		json.put("parentId", parent.id());
		json.put("isReserved", false);
		return json;
	}

	private static void checkCanRead(IdentitySpec identity, String projectId, String environment, String path) {
		if (!identity.canRead(projectId)) {
			ArrayNode details = Json.MAPPER.createArrayNode();
			ObjectNode rule = details.addObject();
			rule.put("action", "read");
			rule.put("subject", "secret-folders");
			ObjectNode conditions = rule.putObject("conditions");
			conditions.put("environment", environment);
			conditions.putObject("secretPath").put("$glob", path);
			throw ApiError.permissionDenied("You are not allowed to read on secret-folders", details);
		}
	}

}
