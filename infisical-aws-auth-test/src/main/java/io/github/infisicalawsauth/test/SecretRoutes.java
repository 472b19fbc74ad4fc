package io.github.infisicalawsauth.test;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.infisicalawsauth.test.FolderSpec.StoredSecret;

/**
 * The secrets read routes: {@code /api/v3/secrets/raw} on every generation and
 * {@code /api/v4/secrets} on current servers, list and single secret.
 *
 * @author Infisical AWS Auth contributors
 */
final class SecretRoutes {

	static final String V3_PATH = "/api/v3/secrets/raw";

	static final String V4_PATH = "/api/v4/secrets";

	static final String HIDDEN_VALUE = "<hidden-by-infisical>";

	static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final InfisicalTestServer server;

	private final Generation generation;

	SecretRoutes(InfisicalTestServer server) {
		this.server = server;
		this.generation = server.generation();
	}

	Reply list(RecordedRequest request, boolean v4) {
		IdentitySpec identity = this.server.authenticate(request);
		QueryParameters query = new QueryParameters(request.queryParameters(), this.generation);
		String projectId = query.required(v4 ? "projectId" : "workspaceId");
		String environment = query.required("environment");
		String secretPath = SecretStore.removeTrailingSlash(query.optional("secretPath", "/"));
		boolean viewValues = !v4 || query.flag("viewSecretValue", true);
		boolean expand = query.flag("expandSecretReferences", v4);
		boolean recursive = query.flag("recursive", false);
		boolean includeImports = query.flag(v4 ? "includeImports" : "include_imports", v4);
		if (v4) {
			query.flag("includePersonalOverrides", false);
		}
		Set<String> tagSlugs = v4 ? tagSlugs(query.optional("tagSlugs", "")) : Set.of();
		query.failIfInvalid();
		checkCanRead(identity, projectId, environment, secretPath);
		List<Object> key = List.of("list", v4, identity.identityId(), projectId, environment, secretPath, viewValues,
				expand, recursive, includeImports, List.copyOf(new TreeSet<>(tagSlugs)));
		return this.server.renderedAnswers().answer(request, key, () -> {
			SecretStore store = this.server.store();
			FolderSpec folder = store.find(projectId, environment, secretPath);
			ObjectNode body = Json.MAPPER.createObjectNode();
			ArrayNode secrets = body.putArray("secrets");
			if (folder == null) {
				if (this.generation.reportsMissingFolder()) {
					throw folderNotFound(secretPath, environment);
				}
				if (includeImports) {
					body.putArray("imports");
				}
				return body;
			}
			List<FolderSpec> folders = store.folders(folder, recursive);
			for (FolderSpec listed : folders) {
				boolean hidden = isHidden(identity, listed, viewValues);
				for (StoredSecret secret : listed.secrets().values()) {
					if (tagSlugs.isEmpty() || secret.tags.stream().anyMatch(tagSlugs::contains)) {
						secrets.add(secretJson(listed, secret, hidden, expand, true));
					}
				}
			}
			if (includeImports) {
				ArrayNode imports = body.putArray("imports");
				for (FolderSpec listed : folders) {
					for (FolderSpec.SecretImport secretImport : listed.imports()) {
						FolderSpec imported = store.find(projectId, secretImport.environmentSlug(),
								secretImport.path());
						if (imported == null || (!this.generation.hidesSecretValues()
								&& identity.isHidden(projectId, imported.environment().slug(), imported.path()))) {
							continue;
						}
						boolean hidden = isHidden(identity, imported, viewValues);
						ObjectNode entry = imports.addObject();
						entry.put("secretPath", imported.path());
						entry.put("environment", imported.environment().slug());
						entry.put("folderId", imported.id());
						ArrayNode importedSecrets = entry.putArray("secrets");
						for (StoredSecret secret : imported.secrets().values()) {
							importedSecrets.add(secretJson(imported, secret, hidden, expand, true));
						}
					}
				}
			}
			return body;
		});
	}

	Reply single(RecordedRequest request, boolean v4, String secretName) {
		IdentitySpec identity = this.server.authenticate(request);
		QueryParameters query = new QueryParameters(request.queryParameters(), this.generation);
		String projectId = query.required(v4 ? "projectId" : "workspaceId");
		String environment = query.required("environment");
		String secretPath = SecretStore.removeTrailingSlash(query.optional("secretPath", "/"));
		boolean viewValues = !v4 || query.flag("viewSecretValue", true);
		boolean expand = query.flag("expandSecretReferences", v4);
		boolean includeImports = query.flag(v4 ? "includeImports" : "include_imports", true);
		query.failIfInvalid();
		checkCanRead(identity, projectId, environment, secretPath);
		List<Object> key = List.of("single", v4, identity.identityId(), projectId, environment, secretPath, viewValues,
				expand, includeImports, secretName);
		return this.server.renderedAnswers().answer(request, key, () -> {
			SecretStore store = this.server.store();
			FolderSpec folder = store.find(projectId, environment, secretPath);
			if (folder == null) {
				throw this.generation.reportsMissingFolder() ? folderNotFound(secretPath, environment)
						: secretNotFound(secretName);
			}
			FolderSpec owner = folder;
			StoredSecret secret = folder.secrets().get(secretName);
			if (secret == null && includeImports) {
				List<FolderSpec.SecretImport> imports = new ArrayList<>(folder.imports());
				for (int i = imports.size() - 1; i >= 0 && secret == null; i--) {
					FolderSpec imported = store.find(projectId, imports.get(i).environmentSlug(),
							imports.get(i).path());
					if (imported != null && imported.secrets().containsKey(secretName)) {
						owner = imported;
						secret = imported.secrets().get(secretName);
					}
				}
			}
			if (secret == null) {
				throw secretNotFound(secretName);
			}
			boolean hidden = isHidden(identity, owner, viewValues);
			ObjectNode body = Json.MAPPER.createObjectNode();
			body.set("secret", secretJson(owner, secret, hidden, expand, this.generation.hidesSecretValues()));
			return body;
		});
	}

	private void checkCanRead(IdentitySpec identity, String projectId, String environment, String secretPath) {
		boolean hiddenOnOldServer = !this.generation.hidesSecretValues()
				&& identity.isHidden(projectId, environment, secretPath);
		if (!identity.canRead(projectId) || hiddenOnOldServer) {
			ArrayNode details = Json.MAPPER.createArrayNode();
			ObjectNode rule = details.addObject();
			rule.put("action", "read");
			rule.put("subject", "secrets");
			ObjectNode conditions = rule.putObject("conditions");
			conditions.put("environment", environment);
			conditions.putObject("secretPath").put("$glob", secretPath);
			throw ApiError.permissionDenied("You are not allowed to read on secrets", details);
		}
	}

	private boolean isHidden(IdentitySpec identity, FolderSpec folder, boolean viewValues) {
		if (!this.generation.hidesSecretValues()) {
			return false;
		}
		return !viewValues
				|| identity.isHidden(folder.environment().project().id(), folder.environment().slug(), folder.path());
	}

	private ObjectNode secretJson(FolderSpec folder, StoredSecret secret, boolean hidden, boolean expand,
			boolean includePath) {
		String value = hidden ? HIDDEN_VALUE
				: (expand ? this.server.store().expand(folder, secret.value) : secret.value);
		ObjectNode json = Json.MAPPER.createObjectNode();
		json.put("id", secret.id);
		json.put("_id", secret.id);
		json.put("workspace", folder.environment().project().id());
		json.put("environment", folder.environment().slug());
		json.put("version", secret.version);
		json.put("type", "shared");
		json.put("secretKey", secret.key);
		json.put("secretValue", value);
		if (this.generation.hidesSecretValues()) {
			json.put("secretValueHidden", hidden);
		}
		json.put("secretComment", secret.comment);
		json.putNull("secretReminderNote");
		json.putNull("secretReminderRepeatDays");
		json.put("skipMultilineEncoding", false);
		json.putNull("metadata");
		json.put("createdAt", TIMESTAMP.format(secret.createdAt));
		json.put("updatedAt", TIMESTAMP.format(secret.updatedAt));
		if (includePath) {
			json.put("secretPath", folder.path());
		}
		ArrayNode tags = json.putArray("tags");
		for (String slug : secret.tags) {
			ObjectNode tag = tags.addObject();
			tag.put("id", slug);
			tag.put("slug", slug);
			tag.put("name", slug);
			tag.putNull("color");
		}
		return json;
	}

	private static Set<String> tagSlugs(String value) {
		return Arrays.stream(value.split(","))
			.map(String::trim)
			.filter((slug) -> !slug.isEmpty())
			.collect(Collectors.toSet());
	}

	private static ApiError folderNotFound(String secretPath, String environment) {
		return ApiError
			.notFound("Folder with path '" + secretPath + "' in environment '" + environment + "' was not found");
	}

	private static ApiError secretNotFound(String secretName) {
		return ApiError.notFound("Secret with name '" + secretName + "' not found");
	}

}
