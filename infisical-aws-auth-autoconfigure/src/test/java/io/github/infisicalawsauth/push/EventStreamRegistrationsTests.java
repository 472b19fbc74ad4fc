package io.github.infisicalawsauth.push;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import io.github.infisicalawsauth.push.EventStreamRegistrations.Condition;
import io.github.infisicalawsauth.push.EventStreamRegistrations.Group;
import io.github.infisicalawsauth.secrets.SecretLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
	void registersTheEnvironmentAndExactPathOfEachImportedFolderWhileTheyFitInOneStream() {
		List<Group> groups = EventStreamRegistrations.groups(List.of(location("dev", "/"), location("prod", "/app")));
		assertThat(groups).singleElement()
			.satisfies((group) -> assertThat(group.conditions()).containsExactly(new Condition("dev", "/"),
					new Condition("prod", "/app")));
	}

	@Test
	void twoFoldersOfOneEnvironmentStayExactInOneStreamAPathBelowTheOtherIncluded() {
		// a glob matches only the folder itself
		SecretLocation below = location("dev", "/app/db");
		SecretLocation app = location("dev", "/app");
		SecretLocation appAgain = location("dev", "/app").withIncludeImports(false);
		List<Group> groups = EventStreamRegistrations.groups(List.of(below, app, appAgain));
		assertThat(groups).singleElement().satisfies((group) -> {
			assertThat(group.conditions()).containsExactly(new Condition("dev", "/app/db"),
					new Condition("dev", "/app"));
			assertThat(group.locations()).containsExactly(below, app, appAgain);
		});
	}

	@Test
	void moreFoldersOfOneEnvironmentThanAStreamCarriesShareOneForTheirCommonFolderAndThoseBelowIt() {
		SecretLocation backend = location("dev", "/app/backend");
		SecretLocation frontend = location("dev", "/app/frontend");
		SecretLocation db = location("dev", "/app/backend/db/replica");
		List<Group> groups = EventStreamRegistrations.groups(List.of(backend, frontend, db));
		assertThat(groups).singleElement().satisfies((group) -> {
			assertThat(group.conditions()).containsExactly(new Condition("dev", "/app"),
					new Condition("dev", "/app/**"));
			assertThat(group.locations()).containsExactly(backend, frontend, db);
		});
	}

	@Test
	void elevenFoldersOfOneEnvironmentTakeOneStream() {
		List<SecretLocation> locations = IntStream.rangeClosed(1, 11)
			.mapToObj((i) -> location("dev", "/service-" + i))
			.toList();
		List<Group> groups = EventStreamRegistrations.groups(locations);
		assertThat(groups).singleElement().satisfies((group) -> {
			assertThat(group.conditions()).containsExactly(new Condition("dev", "/"), new Condition("dev", "/**"));
			assertThat(group.locations()).containsExactlyElementsOf(locations);
		});
	}

	@Test
	void twoEnvironmentsWithSeveralFoldersTakeOneStreamEachAndOnlyThoseThatNeedMoreThanAStreamShareAFolder() {
		SecretLocation devA = location("dev", "/team/a");
		SecretLocation prodA = location("prod", "/team/a");
		SecretLocation devB = location("dev", "/team/b");
		SecretLocation prodB = location("prod", "/team/b");
		SecretLocation devC = location("dev", "/team/c");
		List<Group> groups = EventStreamRegistrations.groups(List.of(devA, prodA, devB, prodB, devC));
		assertThat(groups).hasSize(2);
		assertThat(groups.get(0).conditions()).containsExactly(new Condition("dev", "/team"),
				new Condition("dev", "/team/**"));
		assertThat(groups.get(0).locations()).containsExactly(devA, devB, devC);
		// two conditions fit in a stream: they stay exact
		assertThat(groups.get(1).conditions()).containsExactly(new Condition("prod", "/team/a"),
				new Condition("prod", "/team/b"));
		assertThat(groups.get(1).locations()).containsExactly(prodA, prodB);
	}

	@Test
	void environmentsShareAStreamWhileTheirConditionsFitWithTheImportsEachServes() {
		SecretLocation staging = location("staging", "/");
		SecretLocation devA = location("dev", "/a");
		SecretLocation devB = location("dev", "/b");
		SecretLocation devC = location("dev", "/c");
		SecretLocation prod = location("prod", "/");
		SecretLocation prodAgain = location("prod", "/").withIncludeImports(false);
		List<Group> groups = EventStreamRegistrations.groups(List.of(staging, devA, devB, devC, prod, prodAgain));
		assertThat(groups).hasSize(2);
		assertThat(groups.get(0).conditions()).containsExactly(new Condition("staging", "/"),
				new Condition("prod", "/"));
		assertThat(groups.get(0).locations()).containsExactly(staging, prod, prodAgain);
		assertThat(groups.get(1).conditions()).containsExactly(new Condition("dev", "/"), new Condition("dev", "/**"));
		assertThat(groups.get(1).locations()).containsExactly(devA, devB, devC);
	}

	@Test
	void aRecursiveImportAlsoRegistersTheFoldersBelowItAndCoversThoseImportedThere() {
		SecretLocation recursive = location("dev", "/app").withRecursive(true);
		SecretLocation below = location("dev", "/app/db");
		List<Group> groups = EventStreamRegistrations.groups(List.of(below, recursive));
		assertThat(groups).singleElement().satisfies((group) -> {
			assertThat(group.conditions()).containsExactly(new Condition("dev", "/app"),
					new Condition("dev", "/app/**"));
			assertThat(group.locations()).containsExactlyInAnyOrder(recursive, below);
		});
	}

	@Test
	void mixedRecursiveImportsShareTheCommonFolderOfThoseNotCovered() {
		SecretLocation recursive = location("dev", "/app").withRecursive(true);
		SecretLocation below = location("dev", "/app/db");
		SecretLocation other = location("dev", "/application");
		SecretLocation root = location("prod", "/").withRecursive(true);
		SecretLocation prodBelow = location("prod", "/app");
		List<Group> groups = EventStreamRegistrations.groups(List.of(below, recursive, other, root, prodBelow));
		// "/app" does not hold "/application": their common folder is the root
		assertThat(groups).extracting(Group::conditions)
			.containsExactly(List.of(new Condition("dev", "/"), new Condition("dev", "/**")),
					List.of(new Condition("prod", "/"), new Condition("prod", "/**")));
		assertThat(groups.get(0).locations()).containsExactly(below, recursive, other);
		assertThat(groups.get(1).locations()).containsExactly(root, prodBelow);
	}

	@Test
	void aRecursiveImportAndAFolderBesideItShareTheirParent() {
		SecretLocation recursive = location("dev", "/apps/backend").withRecursive(true);
		SecretLocation frontend = location("dev", "/apps/frontend");
		List<Group> groups = EventStreamRegistrations.groups(List.of(recursive, frontend));
		assertThat(groups).singleElement()
			.satisfies((group) -> assertThat(group.conditions()).containsExactly(new Condition("dev", "/apps"),
					new Condition("dev", "/apps/**")));
	}

	@ParameterizedTest
	@CsvSource({ "/a/b, /a/c, /a", "/a, /b, /", "/app, /application, /", "/a, /a/b, /a", "/a/b, /a, /a",
			"/a/b/c, /a/b/d/e, /a/b", "/, /x, /", "/x, /, /", "/a/b, /a/b, /a/b" })
	void commonAncestorIsTheDeepestFolderThatHoldsBothBySegments(String path, String other, String ancestor) {
		assertThat(EventStreamRegistrations.commonAncestor(path, other)).isEqualTo(ancestor);
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
