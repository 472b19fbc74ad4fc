package io.github.infisicalawsauth.test.context;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shows why {@link InfisicalTestServerTest} uses an environment post-processor: a
 * {@code @DynamicPropertySource} (a context customizer, like any other) reaches the
 * environment only after Spring Boot has processed {@code spring.config.import}.
 *
 * @author Infisical AWS Auth contributors
 */
@SpringBootTest(classes = DynamicPropertySourceTimingIntegrationTests.TestApplication.class,
		properties = "spring.config.import=optional:classpath:/infisical-test-${dynamic.environment:unset}.properties")
class DynamicPropertySourceTimingIntegrationTests {

	@DynamicPropertySource
	static void environment(DynamicPropertyRegistry registry) {
		registry.add("dynamic.environment", () -> "staging");
	}

	@Test
	void dynamicPropertiesAreNotSeenByConfigData(@Autowired Environment environment) {
		assertThat(environment.getProperty("dynamic.environment")).isEqualTo("staging");
		assertThat(environment.getProperty("config-data.saw-environment")).isNull();
	}

	@SpringBootConfiguration
	static class TestApplication {

	}

}
