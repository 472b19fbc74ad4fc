package io.github.infisicalawsauth.sample;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.test.Fault;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.context.InfisicalTestServerSettings;
import io.github.infisicalawsauth.test.context.InfisicalTestServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample without {@code spring.config.import=infisical:} under
 * {@link InfisicalTestServerTest}: its beans log in to the test server with the demo
 * credentials, read secrets at run time, and retry a read that an injected fault fails.
 *
 * @author Infisical AWS Auth contributors
 */
@InfisicalTestServerTest
@SpringBootTest(properties = "infisical.retry.initial-interval=100ms")
class SampleApplicationWithoutImportIntegrationTests {

	@BeforeAll
	static void seed(InfisicalTestServer server) {
		server.project("test-project").environment("dev").secret("API_KEY", "run-time-value");
	}

	@Test
	void beansLogInWithTheDemoCredentials(@Autowired InfisicalTokenProvider tokens, @Autowired Greeting greeting,
			InfisicalTestServer server) {
		assertThat(server.isTokenActive(tokens.getToken().value())).isTrue();
		assertThat(server.loginCount()).isOne();
		assertThat(greeting.text()).isEqualTo("no GREETING secret imported");
	}

	@Test
	void secretReadAtRunTimeIsRetriedAfterAnInjectedFault(@Autowired InfisicalSecretsClient secrets,
			InfisicalTestServerSettings settings) {
		InfisicalTestServer server = settings.server();
		server.enqueueFaults("/api/v4/secrets", Fault.status(503));
		int reads = server.secretReadCount();
		SecretLocation location = SecretLocation.of(settings.projectId(), settings.environment(), "/");
		assertThat(secrets.getSecret(location, "API_KEY")).isEqualTo("run-time-value");
		assertThat(server.secretReadCount()).isEqualTo(reads + 2);
	}

}
