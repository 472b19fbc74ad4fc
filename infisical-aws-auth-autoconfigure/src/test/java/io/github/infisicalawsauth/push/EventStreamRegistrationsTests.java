package io.github.infisicalawsauth.push;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.infisicalawsauth.push.EventStreamRegistrations.Condition;
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
	void registersEachImportedEnvironmentAndPath() {
		assertThat(EventStreamRegistrations.conditions(List.of(location("dev", "/"), location("prod", "/app"))))
			.containsExactly(new Condition("dev", "/"), new Condition("prod", "/app"));
	}

	@Test
	void aPathBelowAnotherImportedOneIsCoveredByIt() {
		assertThat(EventStreamRegistrations
			.conditions(List.of(location("dev", "/app/db"), location("dev", "/app"), location("dev", "/application"))))
			.containsExactly(new Condition("dev", "/app"), new Condition("dev", "/application"));
		assertThat(EventStreamRegistrations
			.conditions(List.of(location("dev", "/a"), location("dev", "/"), location("dev", "/a"))))
			.containsExactly(new Condition("dev", "/"));
	}

	@Test
	void moreThanTenRegistrationsBecomeOnePerEnvironmentWithTheSharedPath() {
		assertThat(EventStreamRegistrations.conditions(List.of(location("dev", "/app/db"), location("dev", "/app/mq"),
				location("prod", "/app/db/main"), location("prod", "/app/db/replica"))))
			.containsExactly(new Condition("dev", "/app"), new Condition("prod", "/app/db"));
		assertThat(EventStreamRegistrations
			.conditions(List.of(location("dev", "/a"), location("dev", "/b"), location("dev", "/c"))))
			.containsExactly(new Condition("dev", "/"));
	}

	@Test
	void moreThanTwoEnvironmentsBecomeTheWholeProject() {
		assertThat(EventStreamRegistrations
			.conditions(List.of(location("dev", "/"), location("staging", "/"), location("prod", "/"))))
			.containsExactly(new Condition(null, "/"));
	}

	@Test
	void bodyRegistersTheFourSecretEventsPerCondition() {
		byte[] body = EventStreamRegistrations.body("project-1",
				List.of(new Condition("dev", "/app"), new Condition(null, "/")));
		JsonNode json = JsonMapper.builder().build().readTree(new String(body, StandardCharsets.UTF_8));
		assertThat(json.get("projectId").asString()).isEqualTo("project-1");
		assertThat(json.get("register")).hasSize(8);
		assertThat(json.get("register").findValuesAsString("event")).containsExactly("secret:create", "secret:update",
				"secret:delete", "secret:import-mutation", "secret:create", "secret:update", "secret:delete",
				"secret:import-mutation");
		assertThat(json.get("register").get(0).get("conditions").toString())
			.isEqualTo("{\"environmentSlug\":\"dev\",\"secretPath\":\"/app\"}");
		assertThat(json.get("register").get(7).get("conditions").toString()).isEqualTo("{\"secretPath\":\"/\"}");
	}

	private static SecretLocation location(String environment, String path) {
		return SecretLocation.of("project-1", environment, path);
	}

}
