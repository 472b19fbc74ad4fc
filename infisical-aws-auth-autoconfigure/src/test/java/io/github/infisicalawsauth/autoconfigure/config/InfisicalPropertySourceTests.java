package io.github.infisicalawsauth.autoconfigure.config;

import java.util.Map;

import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalPropertySource}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalPropertySourceTests {

	private static final SecretLocation LOCATION = SecretLocation.of("p1", "dev", "/");

	@Test
	void upperSnakeKeysBindRelaxedAndResolveAsTheyAre() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(source("", Map.of("DB_PASSWORD", "pw", "SPRING_DATASOURCE_URL", "jdbc:x")));
		assertThat(environment.getProperty("DB_PASSWORD")).isEqualTo("pw");
		assertThat(environment.resolvePlaceholders("${DB_PASSWORD}")).isEqualTo("pw");
		assertThat(environment.getProperty("db.password")).isEqualTo("pw");
		assertThat(Binder.get(environment).bind("db.password", String.class).get()).isEqualTo("pw");
		assertThat(Binder.get(environment).bind("spring.datasource.url", String.class).get()).isEqualTo("jdbc:x");
	}

	@Test
	void prefixedKeysResolveWithThePrefix() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(source("app.", Map.of("password", "pw")));
		assertThat(environment.getProperty("app.password")).isEqualTo("pw");
		assertThat(Binder.get(environment).bind("app.password", String.class).get()).isEqualTo("pw");
	}

	@Test
	void updateSwapsValuesAndNamesChangedKeysOnly() {
		InfisicalPropertySource source = source("", Map.of("A", "1", "B", "2", "C", "3"));
		SecretsSnapshot next = snapshot(Map.of("A", "1", "B", "changed", "D", "4"));
		assertThat(source.update(next)).containsExactlyInAnyOrder("B", "C", "D");
		assertThat(source.getProperty("B")).isEqualTo("changed");
		assertThat(source.getProperty("C")).isNull();
		assertThat(source.getPropertyNames()).containsExactlyInAnyOrder("A", "B", "D");
		assertThat(source.getSnapshot()).isSameAs(next);
		assertThat(source.toString()).doesNotContain("changed");
	}

	private static InfisicalPropertySource source(String prefix, Map<String, String> secrets) {
		return new InfisicalPropertySource(new InfisicalConfigDataResource(LOCATION, prefix, false), snapshot(secrets));
	}

	private static SecretsSnapshot snapshot(Map<String, String> secrets) {
		return SecretsSnapshot.of(LOCATION, secrets, null);
	}

}
