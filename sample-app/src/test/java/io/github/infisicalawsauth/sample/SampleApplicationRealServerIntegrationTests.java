package io.github.infisicalawsauth.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Runs the sample the way the README runs it against a real Infisical: site and identity
 * given, no embedded server, and AWS credentials and region from the AWS SDK default
 * chains (here its system properties). A separately started test server plays the real
 * one.
 *
 * @author Infisical AWS Auth contributors
 */
class SampleApplicationRealServerIntegrationTests {

	private static final Map<String, String> AWS = Map.of("aws.accessKeyId", "ASIAREALMODE00000001",
			"aws.secretAccessKey", "real-mode-secret-access-key", "aws.sessionToken", "real-mode-session-token",
			"aws.region", "eu-central-1");

	private InfisicalTestServer server;

	@BeforeEach
	void start() {
		// environment credentials would come before the system properties in the
		// chain
		assumeThat(System.getenv("AWS_ACCESS_KEY_ID")).isNull();
		this.server = InfisicalTestServer.start();
		this.server.addAwsCredentials(AWS.get("aws.accessKeyId"), AWS.get("aws.secretAccessKey"),
				AWS.get("aws.sessionToken"), "444455556666", "arn:aws:sts::444455556666:assumed-role/app/i-1");
		this.server.addIdentity("real-identity")
			.allowedAccounts("444455556666")
			.accessTokenTtl(Duration.ofMinutes(10))
			.canReadProject("real-project");
		this.server.project("real-project").environment("prod").secret("GREETING", "from the real server");
		AWS.forEach(System::setProperty);
	}

	@AfterEach
	void stop() {
		AWS.keySet().forEach(System::clearProperty);
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void logsInWithTheDefaultAwsChainsAndImportsSecrets() {
		String[] args = { "--server.port=0", "--infisical.site-url=" + this.server.url(),
				"--infisical.aws-auth.identity-id=real-identity", "--spring.config.import=infisical:",
				"--infisical.secrets.project-id=real-project", "--infisical.secrets.environment=prod" };
		try (ConfigurableApplicationContext context = SampleApplication.application(args).run(args)) {
			assertThat(context.getBeansOfType(EmbeddedInfisical.class)).isEmpty();
			assertThat(this.server.isTokenActive(context.getBean(InfisicalTokenProvider.class).getToken().value()))
				.isTrue();
			assertThat(context.getBean(Greeting.class).text()).isEqualTo("from the real server");
			assertThat(this.server.loginCount()).isOne();
			// signed with the credentials and for the region of the chains
			JsonNode login = JsonMapper.builder()
				.build()
				.readTree(this.server.requests("/api/v1/auth/aws-auth/login").get(0).body());
			String headers = new String(Base64.getDecoder().decode(login.get("iamRequestHeaders").asString()),
					StandardCharsets.UTF_8);
			assertThat(headers).contains("Credential=ASIAREALMODE00000001/")
				.contains("/eu-central-1/sts/aws4_request")
				.contains("sts.eu-central-1.amazonaws.com");
		}
	}

}
