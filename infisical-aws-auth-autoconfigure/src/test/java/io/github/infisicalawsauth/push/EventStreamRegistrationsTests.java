package io.github.infisicalawsauth.push;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.infisicalawsauth.push.EventStreamRegistrations.Condition;
import io.github.infisicalawsauth.push.EventStreamRegistrations.Group;
import io.github.infisicalawsauth.secrets.SecretLocation;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventStreamRegistrations}.
 *
 * @author Infisical AWS Auth contributors
 */
class EventStreamRegistrationsTests {

	@Test
	void registersTheEnvironmentAndExactPathOfEachImportedFolderTwoPerStream() {
		List<Group> groups = EventStreamRegistrations.groups(List.of(location("dev", "/"), location("prod", "/app")));
		assertThat(groups).singleElement()
			.satisfies((group) -> assertThat(group.conditions()).containsExactly(new Condition("dev", "/"),
					new Condition("prod", "/app")));
	}

	@Test
	void aPathBelowAnotherImportedOneIsRegisteredToo() {
		// a glob matches only the folder itself
		List<Group> groups = EventStreamRegistrations.groups(List.of(location("dev", "/app/db"),
				location("dev", "/app"), location("dev", "/a"), location("dev", "/app")));
		assertThat(groups).extracting(Group::conditions)
			.containsExactly(List.of(new Condition("dev", "/app/db"), new Condition("dev", "/app")),
					List.of(new Condition("dev", "/a")));
	}

	@Test
	void moreThanTwoFoldersGetOneStreamPerTwoWithTheImportsEachServes() {
		SecretLocation dev = location("dev", "/");
		SecretLocation staging = location("staging", "/");
		SecretLocation prod = location("prod", "/");
		SecretLocation prodAgain = location("prod", "/").withIncludeImports(false);
		List<Group> groups = EventStreamRegistrations.groups(List.of(dev, staging, prod, prodAgain));
		assertThat(groups).hasSize(2);
		assertThat(groups.get(0).conditions()).containsExactly(new Condition("dev", "/"),
				new Condition("staging", "/"));
		assertThat(groups.get(0).locations()).containsExactly(dev, staging);
		assertThat(groups.get(1).conditions()).containsExactly(new Condition("prod", "/"));
		assertThat(groups.get(1).locations()).containsExactly(prod, prodAgain);
	}

	@Test
	void aRecursiveImportAlsoRegistersTheFoldersBelowItAndCoversThoseImportedThere() {
		SecretLocation recursive = location("dev", "/app").withRecursive(true);
		SecretLocation below = location("dev", "/app/db");
		SecretLocation other = location("dev", "/application");
		SecretLocation root = location("prod", "/").withRecursive(true);
		List<Group> groups = EventStreamRegistrations.groups(List.of(below, recursive, other, root));
		assertThat(groups).extracting(Group::conditions)
			.containsExactly(List.of(new Condition("dev", "/app"), new Condition("dev", "/app/**")),
					List.of(new Condition("dev", "/application")),
					List.of(new Condition("prod", "/"), new Condition("prod", "/**")));
		assertThat(groups.get(0).locations()).containsExactlyInAnyOrder(recursive, below);
	}

	@Test
	void bodyRegistersTheFourSecretEventsPerConditionAlwaysWithTheEnvironment() {
		byte[] body = EventStreamRegistrations.body("project-1",
				List.of(new Condition("dev", "/app"), new Condition("prod", "/")));
		JsonNode json = JsonMapper.builder().build().readTree(new String(body, StandardCharsets.UTF_8));
		assertThat(json.get("projectId").asString()).isEqualTo("project-1");
		assertThat(json.get("register")).hasSize(8);
		assertThat(json.get("register").findValuesAsString("event")).containsExactly("secret:create", "secret:update",
				"secret:delete", "secret:import-mutation", "secret:create", "secret:update", "secret:delete",
				"secret:import-mutation");
		assertThat(json.get("register").get(0).get("conditions").toString())
			.isEqualTo("{\"environmentSlug\":\"dev\",\"secretPath\":\"/app\"}");
		assertThat(json.get("register").get(7).get("conditions").toString())
			.isEqualTo("{\"environmentSlug\":\"prod\",\"secretPath\":\"/\"}");
	}

	private static SecretLocation location(String environment, String path) {
		return SecretLocation.of("project-1", environment, path);
	}

}
