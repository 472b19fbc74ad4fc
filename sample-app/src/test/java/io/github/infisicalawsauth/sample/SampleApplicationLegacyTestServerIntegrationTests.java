package io.github.infisicalawsauth.sample;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.context.InfisicalTestServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configured as {@link SampleApplicationTestServerIntegrationTests} but for the October
 * 2024 server generation: in the same JVM it gets its own server and its own application
 * context, never the other class's cached one.
 *
 * @author Infisical AWS Auth contributors
 */
@InfisicalTestServerTest(generation = Generation.V2024)
@SpringBootTest(properties = "spring.config.import=infisical:")
class SampleApplicationLegacyTestServerIntegrationTests {

	@BeforeAll
	static void seed(InfisicalTestServer server) {
		server.project("test-project").environment("dev").secret("GREETING", "Hello from the 2024 server");
	}

	@Test
	void runsAgainstItsOwnServerOfThe2024Generation(@Autowired Environment environment,
			@Autowired InfisicalTokenProvider tokens, InfisicalTestServer server) {
		assertThat(server.generation()).isEqualTo(Generation.V2024);
		assertThat(environment.getProperty("infisical.site-url")).isEqualTo(server.url());
		assertThat(server.isTokenActive(tokens.getToken().value())).isTrue();
		assertThat(server.loginCount()).isOne();
	}

	@Test
	void importsTheSeededSecretThroughTheV3Route(@Autowired Greeting greeting, InfisicalTestServer server) {
		assertThat(greeting.text()).isEqualTo("Hello from the 2024 server");
		assertThat(server.requests("/api/v3/secrets/raw")).isNotEmpty();
	}

}
