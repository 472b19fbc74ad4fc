package io.github.infisicalawsauth.sample;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.context.InfisicalTestServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample as a user's {@code @SpringBootTest} with
 * {@link InfisicalTestServerTest}: a secret seeded before the context starts is imported
 * with {@code spring.config.import=infisical:} (from two folders), and the application
 * logs in to the test server once, as the annotation's identity, with its demo
 * credentials.
 *
 * @author Infisical AWS Auth contributors
 */
@InfisicalTestServerTest
@SpringBootTest(properties = "spring.config.import=infisical:,infisical:/db")
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTestServerIntegrationTests {

	@BeforeAll
	static void seed(InfisicalTestServer server) {
		server.project("test-project").environment("dev").secret("GREETING", "Hello from the test server");
		server.project("test-project").environment("dev").folder("/db").secret("DB_PASSWORD", "s3cret");
	}

	@Test
	void importsTheSeededSecret(@Autowired Environment environment, @Autowired Greeting greeting) {
		assertThat(environment.getProperty("GREETING")).isEqualTo("Hello from the test server");
		assertThat(greeting.text()).isEqualTo("Hello from the test server");
		assertThat(environment.getProperty("DB_PASSWORD")).isEqualTo("s3cret");
	}

	@Test
	void logsInOnceAsTheIdentityOfTheAnnotation(@Autowired InfisicalTokenProvider tokens,
			@Autowired TokenReporter reporter, InfisicalTestServer server, CapturedOutput output) {
		assertThat(server.generation()).isEqualTo(Generation.CURRENT);
		assertThat(server.isTokenActive(tokens.getToken().value())).isTrue();
		assertThat(reporter.status()).containsEntry("identityId", "test-identity");
		// config data's login serves the beans too
		assertThat(server.loginCount()).isOne();
		assertThat(server.requests("/api/v4/secrets")).isNotEmpty();
		// config data and the beans sign with the same credentials
		assertThat(output).doesNotContain("The application has an AwsCredentialsProvider bean");
	}

}
