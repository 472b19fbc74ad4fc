package io.github.infisicalawsauth.autoconfigure.config;

import java.util.Map;

import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.secrets.SecretLocation;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link InfisicalConfigDataLocationResolver} location parsing.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalConfigDataLocationResolverTests {

	@Test
	void resourceOfBareLocationUsesTheDefaults() {
		InfisicalConfigDataResource resource = resource("infisical:",
				Map.of("infisical.secrets.project-id", "p1", "infisical.secrets.environment", "dev",
						"infisical.secrets.path", "/app/", "infisical.secrets.recursive", "true"));
		assertThat(resource.getLocation()).isEqualTo(SecretLocation.of("p1", "dev", "/app").withRecursive(true));
		assertThat(resource.getPrefix()).isEmpty();
		assertThat(resource.isOptional()).isFalse();
	}

	@Test
	void resourceOfLocationWithPathAndParameters() {
		InfisicalConfigDataResource resource = resource(
				"optional:infisical:/db?prefix=db.&environment=prod&project-id=p2&include-imports=false",
				Map.of("infisical.secrets.project-id", "p1", "infisical.secrets.environment", "dev"));
		assertThat(resource.getLocation()).isEqualTo(SecretLocation.of("p2", "prod", "/db").withIncludeImports(false));
		assertThat(resource.getPrefix()).isEqualTo("db.");
		assertThat(resource.isOptional()).isTrue();
		assertThat(resource.getPropertySourceName()).endsWith("-systemEnvironment");
		assertThat(resource).hasToString(
				"InfisicalConfigDataResource[project 'p2', environment 'prod', " + "path '/db', prefix 'db.']");
	}

	@Test
	void resourceWithoutProjectNamesTheProperty() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource("infisical:", Map.of("infisical.secrets.environment", "dev")))
			.withMessageContaining("infisical.secrets.project-id");
	}

	@Test
	void resourceWithoutEnvironmentNamesTheProperty() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource("infisical:", Map.of("infisical.secrets.project-id", "p1")))
			.withMessageContaining("infisical.secrets.environment");
	}

	@Test
	void resourceWithUnknownParameterFails() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource("infisical:/?prefx=db.",
					Map.of("infisical.secrets.project-id", "p1", "infisical.secrets.environment", "dev")))
			.withMessageContaining("unknown parameter 'prefx'");
	}

	@Test
	void resourcesAreEqualByLocationAndPrefix() {
		Map<String, String> defaults = Map.of("infisical.secrets.project-id", "p1", "infisical.secrets.environment",
				"dev");
		assertThat(resource("infisical:/a", defaults)).isEqualTo(resource("optional:infisical:/a/", defaults))
			.isNotEqualTo(resource("infisical:/a?prefix=x.", defaults));
	}

	private static InfisicalConfigDataResource resource(String location, Map<String, String> properties) {
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		InfisicalProperties bound = binder.bind(InfisicalProperties.PREFIX, InfisicalProperties.class)
			.orElseGet(InfisicalProperties::new);
		return InfisicalConfigDataLocationResolver.resource(ConfigDataLocation.of(location), bound.getSecrets());
	}

}
