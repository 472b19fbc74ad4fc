package io.github.infisicalawsauth.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.test.Webhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Runs the sample as the README's command does: against its embedded Infisical.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationIntegrationTests {

	@Test
	void logsInAgainstTheEmbeddedServerAndReportsTheIdentity(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = SampleApplication.application().run("--server.port=0")) {
			EmbeddedInfisical embedded = context.getBean(EmbeddedInfisical.class);
			InfisicalAccessToken token = context.getBean(InfisicalTokenProvider.class).getToken();
			assertThat(embedded.server().isTokenActive(token.value())).isTrue();
			assertThat(embedded.server().loginCount()).isOne();
			assertThat(output).contains("Logged in to Infisical as machine identity " + EmbeddedInfisical.IDENTITY_ID);
			String port = context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains(EmbeddedInfisical.IDENTITY_ID).doesNotContain(token.value());
			assertThat(output).doesNotContain(token.value());
		}
	}

	@Test
	void embeddedServerKeepsABoundedRecordOverALongRun() {
		// a long run of polls, compressed: past its bound of 1000, the embedded server
		// must not keep every request it served
		try (ConfigurableApplicationContext context = SampleApplication.application()
			.run("--server.port=0", "--infisical.secrets.refresh-interval=1ms")) {
			EmbeddedInfisical embedded = context.getBean(EmbeddedInfisical.class);
			await().atMost(Duration.ofSeconds(60)).until(() -> embedded.server().secretReadCount() >= 1200);
			assertThat(embedded.server().requests()).hasSizeLessThanOrEqualTo(1000);
			assertThat(embedded.server().loginCount()).isOne();
		}
	}

	@Test
	void importsSecretsAndRefreshScopeSeesAChangedSecret(CapturedOutput output) {
		// polled more often than the demo's 5 s, so that the test does not wait for it
		try (ConfigurableApplicationContext context = SampleApplication.application()
			.run("--server.port=0", "--sample.push=poll", "--infisical.secrets.refresh-interval=200ms")) {
			EmbeddedInfisical embedded = context.getBean(EmbeddedInfisical.class);
			assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("demo-db-password");
			Greeting greeting = context.getBean(Greeting.class);
			assertThat(greeting.text()).isEqualTo("Hello from the embedded Infisical");
			assertThat(output).contains("Infisical secrets available as properties (names only)")
				.contains("[DB_PASSWORD, GREETING]");
			embedded.changeGreeting();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> greeting.text().equals("Hello from the embedded Infisical, edit 1"));
			await().atMost(Duration.ofSeconds(3))
				.untilAsserted(
						() -> assertThat(output).contains("@RefreshScope Greeting bean now sees a new GREETING"));
			// one login served config data, the application and the refresh
			assertThat(embedded.server().loginCount()).isOne();
			assertThat(embedded.server().eventStreams().openCount()).isZero();
		}
		assertThat(output).doesNotContain("demo-db-password")
			.doesNotContain("Hello from the embedded Infisical")
			.doesNotContain("demo-secret-access-key")
			.doesNotContain("demo-session-token");
	}

	@Test
	void webhookModeMakesAChangeVisibleWithoutWaitingForAPoll(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SampleApplication.application()
			.run("--server.port=0", "--sample.push=webhook")) {
			EmbeddedInfisical embedded = context.getBean(EmbeddedInfisical.class);
			Webhook webhook = embedded.server()
				.project(EmbeddedInfisical.PROJECT_ID)
				.environment("dev")
				.webhooks()
				.get(0);
			String port = context.getEnvironment().getProperty("local.server.port");
			assertThat(webhook.url()).hasToString("http://127.0.0.1:" + port + "/infisical/webhook");
			assertThat(webhook.isSigned()).isTrue();
			assertThat(context.getEnvironment().getProperty("infisical.secrets.refresh-interval")).isEqualTo("60s");
			assertThat(embedded.server().eventStreams().openCount()).isZero();
			Greeting greeting = context.getBean(Greeting.class);
			embedded.changeGreeting();
			// the first poll is a minute away: only the webhook can bring the change
			await().atMost(Duration.ofSeconds(15))
				.until(() -> greeting.text().equals("Hello from the embedded Infisical, edit 1"));
			assertThat(webhook.deliveryCount()).isOne();
			assertThat(webhook.lastStatus()).hasValue(202);
			assertThat(output).contains("Demo: changes reach the sample by webhook");
		}
		assertThat(output).doesNotContain(EmbeddedInfisical.DEMO_WEBHOOK_KEY);
	}

	@Test
	void streamModeIsTheDefaultAndMakesAChangeVisibleWithoutWaitingForAPoll(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SampleApplication.application().run("--server.port=0")) {
			EmbeddedInfisical embedded = context.getBean(EmbeddedInfisical.class);
			assertThat(context.getEnvironment().getProperty("infisical.secrets.refresh-interval")).isEqualTo("60s");
			await().atMost(Duration.ofSeconds(15)).until(() -> embedded.server().eventStreams().openCount() == 1);
			Greeting greeting = context.getBean(Greeting.class);
			embedded.changeGreeting();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> greeting.text().equals("Hello from the embedded Infisical, edit 1"));
			assertThat(embedded.server().project(EmbeddedInfisical.PROJECT_ID).environment("dev").webhooks()).isEmpty();
			assertThat(output).contains("Demo: changes reach the sample by stream");
		}
	}

	@Test
	void unknownPushModeFailsWithTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SampleApplication.application().run("--server.port=0", "--sample.push=carrier-pigeon"))
			.withMessage("'sample.push' must be one of stream, webhook or poll, not 'carrier-pigeon'");
	}

}
