package io.github.infisicalawsauth.autoconfigure.config;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.context.config.ConfigDataLocation;
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

	@ParameterizedTest
	@ValueSource(strings = { "abc${NOT_A_PLACEHOLDER}def", "${user.home}", "$1", "\\", "$", "a\\${b}", "${", "}${",
			"${a${b}}", "${unclosed", "\\${unclosed", "$${x}", "${a}:${b:c}", "#{1+1}", "\\${X}", "${${X}", "${a ${b}",
			"${X}\\", "${a}}}", "{${a}}", "${a\\}b}", "\\\\${X}" })
	void valuesReachTheEnvironmentVerbatim(String value) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(source("", Map.of("SECRET", value)));
		Map<String, Object> reference = new LinkedHashMap<>();
		reference.put("db.password", "${SECRET}");
		reference.put("db.wrapped", "[${SECRET}]");
		environment.getPropertySources().addLast(new org.springframework.core.env.MapPropertySource("app", reference));
		assertThat(environment.getProperty("SECRET")).isEqualTo(value);
		assertThat(environment.getProperty("secret")).isEqualTo(value);
		assertThat(environment.resolvePlaceholders("${SECRET}")).isEqualTo(value);
		assertThat(environment.resolveRequiredPlaceholders("${SECRET}")).isEqualTo(value);
		assertThat(environment.getProperty("db.password")).isEqualTo(value);
		assertThat(environment.getProperty("db.wrapped")).isEqualTo("[" + value + "]");
		assertThat(Binder.get(environment).bind("secret", String.class).get()).isEqualTo(value);
		assertThat(Binder.get(environment).bind("db.password", String.class).get()).isEqualTo(value);
	}

	@Test
	void keysThatWouldSetProfilesOrImportsAreLeftOut() {
		InfisicalPropertySource source = new InfisicalPropertySource(resource(""));
		assertThat(source.load(snapshot(Map.of("SPRING_PROFILES_INCLUDE", "evil", "spring.profiles.active", "evil",
				"SPRING_CONFIG_IMPORT", "file:/etc/x", "SPRING_PROFILES", "x", "SPRING_APPLICATION_NAME", "app"))))
			.containsExactlyInAnyOrder("SPRING_PROFILES_INCLUDE", "spring.profiles.active", "SPRING_CONFIG_IMPORT",
					"SPRING_PROFILES");
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(source);
		assertThat(environment.getProperty("spring.profiles.include")).isNull();
		assertThat(environment.getProperty("spring.profiles.active")).isNull();
		assertThat(environment.getProperty("spring.config.import")).isNull();
		assertThat(environment.getProperty("spring.application.name")).isEqualTo("app");
	}

	@Test
	void isEmptyUntilLoaded() {
		InfisicalPropertySource source = new InfisicalPropertySource(resource(""));
		assertThat(source.isPending()).isTrue();
		assertThat(source.isLoaded()).isFalse();
		assertThat(source.getPropertyNames()).isEmpty();
		assertThat(source.getSnapshot()).isNull();
		assertThat(source.getLocation()).isNull();
		source.skip(LOCATION);
		assertThat(source.isPending()).isFalse();
		assertThat(source.isLoaded()).isFalse();
		assertThat(source.getSkippedLocation()).isEqualTo(LOCATION);
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
		assertThat(source.getLocation()).isEqualTo(LOCATION);
		assertThat(source.toString()).doesNotContain("changed");
	}

	private static InfisicalPropertySource source(String prefix, Map<String, String> secrets) {
		InfisicalPropertySource source = new InfisicalPropertySource(resource(prefix));
		source.load(snapshot(secrets));
		return source;
	}

	private static InfisicalConfigDataResource resource(String prefix) {
		return new InfisicalConfigDataResource(
				ConfigDataLocation.of("infisical:/" + (prefix.isEmpty() ? "" : "?prefix=" + prefix)));
	}

	private static SecretsSnapshot snapshot(Map<String, String> secrets) {
		return SecretsSnapshot.of(LOCATION, secrets, null);
	}

}
