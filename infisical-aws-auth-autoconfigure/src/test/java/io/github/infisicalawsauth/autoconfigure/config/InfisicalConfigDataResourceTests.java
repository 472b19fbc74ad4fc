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
 * Tests for {@link InfisicalConfigDataResource}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalConfigDataResourceTests {

	private static final Map<String, String> DEFAULTS = Map.of("infisical.secrets.project-id", "p1",
			"infisical.secrets.environment", "dev");

	@Test
	void bareLocationReadsTheDefaults() {
		InfisicalConfigDataResource resource = resource("infisical:");
		SecretLocation location = resource
			.resolve(secrets(Map.of("infisical.secrets.project-id", "p1", "infisical.secrets.environment", "dev",
					"infisical.secrets.path", "/app/", "infisical.secrets.recursive", "true")));
		assertThat(location).isEqualTo(SecretLocation.of("p1", "dev", "/app").withRecursive(true));
		assertThat(resource.getPrefix()).isEmpty();
		assertThat(resource.isOptional()).isFalse();
		assertThat(resource).hasToString("infisical:");
	}

	@Test
	void pathAndParametersWinOverTheDefaults() {
		InfisicalConfigDataResource resource = resource(
				"optional:infisical:/db?prefix=db.&environment=prod&project-id=p2&include-imports=false");
		assertThat(resource.resolve(secrets(DEFAULTS)))
			.isEqualTo(SecretLocation.of("p2", "prod", "/db").withIncludeImports(false));
		assertThat(resource.getPrefix()).isEqualTo("db.");
		assertThat(resource.isOptional()).isTrue();
		assertThat(resource.getPropertySourceName()).startsWith("optional:infisical:/db?")
			.endsWith("-systemEnvironment");
		assertThat(resource)
			.hasToString("optional:infisical:/db?environment=prod&include-imports=false&prefix=db.&project-id=p2");
	}

	@Test
	void settingsAreReadWhenResolvingNotWhenParsing() {
		// an import seen before application.yml is loaded knows no settings yet
		InfisicalConfigDataResource resource = resource("infisical:");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource.resolve(secrets(Map.of("infisical.secrets.environment", "dev"))))
			.withMessageContaining("infisical.secrets.project-id");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource.resolve(secrets(Map.of("infisical.secrets.project-id", "p1"))))
			.withMessageContaining("infisical.secrets.environment");
	}

	@Test
	void malformedLocationsFailNamingTheImport() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource("infisical:/?prefx=db."))
			.withMessageContaining("spring.config.import")
			.withMessageContaining("unknown parameter 'prefx'");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource("infisical:/?recursive=yes"))
			.withMessageContaining("parameter 'recursive' must be true or false");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource("infisical:/a//b"))
			.withMessageContaining("empty segments");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> resource("infisical:/db?prefix=100%"))
			.withMessageContaining("spring.config.import")
			.withMessageContaining("not URL-encoded");
	}

	@Test
	void importsAreEqualByPathParametersAndOptional() {
		assertThat(resource("infisical:/a")).isEqualTo(resource("infisical:/a/"))
			.hasSameHashCodeAs(resource("infisical:/a/"))
			.isNotEqualTo(resource("infisical:/a?prefix=x."))
			// Spring Boot loads one of two equal imports: a required one must not be lost
			.isNotEqualTo(resource("optional:infisical:/a"));
		assertThat(resource("optional:infisical:/a").getPropertySourceName())
			.isNotEqualTo(resource("infisical:/a").getPropertySourceName());
		assertThat(resource("infisical:/a?prefix=x.&environment=prod"))
			.isEqualTo(resource("infisical:/a?environment=prod&prefix=x."));
	}

	private static InfisicalConfigDataResource resource(String location) {
		return new InfisicalConfigDataResource(ConfigDataLocation.of(location));
	}

	private static InfisicalProperties.Secrets secrets(Map<String, String> properties) {
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		return binder.bind(InfisicalProperties.PREFIX, InfisicalProperties.class)
			.orElseGet(InfisicalProperties::new)
			.getSecrets();
	}

}
