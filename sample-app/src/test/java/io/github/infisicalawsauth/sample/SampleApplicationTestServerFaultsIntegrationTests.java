package io.github.infisicalawsauth.sample;

import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.RecordedRequest;
import io.github.infisicalawsauth.test.context.InfisicalTestServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults injected through {@link InfisicalTestServerTest} before the context starts: the
 * login and the import's secret read each fail once with {@code 503}, and the application
 * starts all the same, having retried both.
 *
 * @author Infisical AWS Auth contributors
 */
@InfisicalTestServerTest
// no event stream: its opening would read the import once more
@SpringBootTest(properties = { "spring.config.import=infisical:", "infisical.retry.initial-interval=100ms",
		"infisical.secrets.events.enabled=false" })
class SampleApplicationTestServerFaultsIntegrationTests {

	@BeforeAll
	static void seedAndFail(InfisicalTestServer server) {
		server.project("test-project").environment("dev").secret("GREETING", "Hello after a retry");
		server.enqueueFaults("/api/v1/auth/aws-auth/login", Fault.status(503));
		server.enqueueFaults("/api/v4/secrets", Fault.status(503));
	}

	@Test
	void loginAndImportAreRetriedAfterA503(@Autowired Environment environment, InfisicalTestServer server) {
		assertThat(environment.getProperty("GREETING")).isEqualTo("Hello after a retry");
		assertThat(server.loginCount()).isEqualTo(2);
		assertThat(server.requests("/api/v4/secrets")).hasSize(2)
			.extracting(RecordedRequest::path)
			.allSatisfy((path) -> assertThat(path).startsWith("/api/v4/secrets"));
	}

}
