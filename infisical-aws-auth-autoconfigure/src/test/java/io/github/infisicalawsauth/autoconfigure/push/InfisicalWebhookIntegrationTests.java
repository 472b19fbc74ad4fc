package io.github.infisicalawsauth.autoconfigure.push;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.Webhook;
import io.github.infisicalawsauth.test.WebhookNotice;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static io.github.infisicalawsauth.autoconfigure.push.PushTestSupport.KEY;
import static io.github.infisicalawsauth.autoconfigure.push.PushTestSupport.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks over real HTTP, sent by the test server as Infisical sends them, to servlet
 * and WebFlux applications with Spring Security.
 *
 * @author Infisical AWS Auth contributors
 */
@Tag("push")
@ExtendWith(OutputCaptureExtension.class)
class InfisicalWebhookIntegrationTests {

	// a read that a notice asks for waits this long for more notices, and then some
	private static final Duration READ_SETTLED = InfisicalWebhookReceiver.WEBHOOK_DELAY.plusMillis(300);

	private static InfisicalTestServer server;

	// Spring Boot's default security, imports of two folders of the project's dev
	private static ConfigurableApplicationContext secured;

	@BeforeAll
	static void start() {
		server = PushTestSupport.server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", "Db-Never-Logged-1");
		server.project(PROJECT).environment("dev").folder("/app").secret("APP_KEY", "App-Never-Logged-1");
		server.project(PROJECT).environment("staging").secret("OTHER", "other");
		secured = PushTestSupport.run(server, WebApplication.class, WebApplicationType.SERVLET,
				"--spring.config.import=infisical:,infisical:/app");
	}

	@AfterAll
	static void stop() {
		secured.close();
		server.close();
	}

	@Test
	void signedWebhookMakesAChangeVisibleBehindSpringBootsDefaultSecurity() {
		Webhook webhook = server.project(PROJECT)
			.environment("dev")
			.addWebhook(PushTestSupport.webhook(secured), "/app/**", KEY);
		int reads = server.secretReadCount();
		server.project(PROJECT).environment("dev").folder("/app").secret("APP_KEY", "App-Never-Logged-2");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(secured.getEnvironment().getProperty("APP_KEY")).isEqualTo("App-Never-Logged-2"));
		assertThat(webhook.lastStatus()).hasValue(202);
		// both imports of the project's dev read again: one 200, one 304
		await().during(READ_SETTLED)
			.atMost(READ_SETTLED.plusSeconds(5))
			.until(() -> server.secretReadCount(), (count) -> count == reads + 2);
		// everything else still asks for a login, also other methods on the path
		assertThat(PushTestSupport.get(PushTestSupport.url(secured, "/anything"))).isEqualTo(401);
		assertThat(PushTestSupport.get(PushTestSupport.webhook(secured))).isEqualTo(401);
	}

	@Test
	void unsignedForgedStaleTamperedOversizedAndReplayedNoticesAreRefusedAndReadNothing(CapturedOutput output) {
		List<@Nullable Instant> noticed = PushTestSupport.lastNotices(secured);
		double refused = PushTestSupport.notices(secured, "webhook", "refused");
		int reads = server.secretReadCount();
		long now = System.currentTimeMillis();
		WebhookNotice unsigned = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/", now, null);
		WebhookNotice forged = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/", now, "Not-The-Key");
		WebhookNotice stale = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/",
				now - Duration.ofMinutes(6).toMillis(), KEY);
		WebhookNotice valid = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/", now, KEY);
		byte[] tampered = new String(valid.body(), StandardCharsets.UTF_8).replace("\"/\"", "\"/app\"")
			.getBytes(StandardCharsets.UTF_8);
		byte[] oversized = new byte[InfisicalWebhookReceiver.MAX_BODY_SIZE + 1];
		Arrays.fill(oversized, (byte) ' ');
		assertThat(post(unsigned.body(), null)).isEqualTo(401);
		assertThat(post(forged.body(), forged.signatureHeader())).isEqualTo(401);
		assertThat(post(stale.body(), stale.signatureHeader())).isEqualTo(401);
		assertThat(post(tampered, valid.signatureHeader())).isEqualTo(401);
		assertThat(post(oversized, WebhookNotice.sign(KEY, oversized, now))).isEqualTo(413);
		assertThat(PushTestSupport.postChunked(PushTestSupport.webhook(secured), oversized)).isEqualTo(413);
		assertThat(PushTestSupport.lastNotices(secured)).isEqualTo(noticed);
		assertThat(PushTestSupport.notices(secured, "webhook", "refused")).isEqualTo(refused + 6);
		await().during(READ_SETTLED)
			.atMost(READ_SETTLED.plusSeconds(5))
			.until(() -> server.secretReadCount(), (count) -> count == reads);
		// the same notice twice: the second is a replay
		assertThat(post(valid.body(), valid.signatureHeader())).isEqualTo(202);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.secretReadCount(), (count) -> count == reads + 2);
		List<@Nullable Instant> accepted = PushTestSupport.lastNotices(secured);
		assertThat(post(valid.body(), valid.signatureHeader())).isEqualTo(401);
		assertThat(PushTestSupport.lastNotices(secured)).isEqualTo(accepted);
		await().during(READ_SETTLED)
			.atMost(READ_SETTLED.plusSeconds(5))
			.until(() -> server.secretReadCount(), (count) -> count == reads + 2);
		assertThat(output).contains("Refused an Infisical webhook notice: no x-infisical-signature header")
			.contains("Refused an Infisical webhook notice: signature does not match")
			.contains("Refused an Infisical webhook notice: timestamp")
			.contains("Refused an Infisical webhook notice: its body is larger than 8192 bytes")
			.contains("Refused an Infisical webhook notice: replayed")
			.doesNotContain(KEY)
			.doesNotContain(valid.signatureHeader().split(";")[1])
			.doesNotContain("Never-Logged");
	}

	@Test
	void burstOfNoticesCostsOneReadPerLocation() {
		int reads = server.secretReadCount();
		long now = System.currentTimeMillis();
		for (int i = 0; i < 5; i++) {
			WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", (i % 2 == 0) ? "/" : "/app",
					now + i, KEY);
			assertThat(post(notice.body(), notice.signatureHeader())).isEqualTo(202);
		}
		// nothing imports the project's staging: verified, and no read
		WebhookNotice staging = WebhookNotice.of(Generation.CURRENT, PROJECT, "staging", "/", now, KEY);
		assertThat(post(staging.body(), staging.signatureHeader())).isEqualTo(202);
		await().atMost(Duration.ofSeconds(5)).until(() -> server.secretReadCount(), (count) -> count == reads + 2);
		await().during(READ_SETTLED)
			.atMost(READ_SETTLED.plusSeconds(5))
			.until(() -> server.secretReadCount(), (count) -> count == reads + 2);
	}

	@Test
	void noticeThatArrivesBeforeThePollerRunsIsReadOnceItStarts() {
		// the web server starts ahead of the poller, which a stopped poller stands for
		SmartLifecycle poller = (SmartLifecycle) secured.getBean(SecretsChangeNotices.class);
		int reads = server.secretReadCount();
		poller.stop();
		try {
			WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/app",
					System.currentTimeMillis(), KEY);
			assertThat(post(notice.body(), notice.signatureHeader())).isEqualTo(202);
			await().during(READ_SETTLED)
				.atMost(READ_SETTLED.plusSeconds(5))
				.until(() -> server.secretReadCount(), (count) -> count == reads);
		}
		finally {
			poller.start();
		}
		// both imports of the project's dev
		await().atMost(Duration.ofSeconds(5)).until(() -> server.secretReadCount(), (count) -> count == reads + 2);
	}

	@Test
	void applicationWithItsOwnSecurityFilterChainStillGetsTheWebhook() {
		try (ConfigurableApplicationContext context = PushTestSupport.run(server, OwnSecurityApplication.class,
				WebApplicationType.SERVLET)) {
			Webhook webhook = server.project(PROJECT)
				.environment("dev")
				.addWebhook(PushTestSupport.webhook(context), "/", KEY);
			server.project(PROJECT).environment("dev").secret("DB_PASSWORD", "Db-Never-Logged-2");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(context.getEnvironment().getProperty("DB_PASSWORD"))
					.isEqualTo("Db-Never-Logged-2"));
			assertThat(webhook.lastStatus()).hasValue(202);
			assertThat(PushTestSupport.get(PushTestSupport.url(context, "/anything"))).isEqualTo(401);
			assertThat(PushTestSupport.notices(context, "webhook", "accepted")).isEqualTo(1);
		}
	}

	@Test
	void webFluxApplicationWithSpringSecurityGetsTheWebhookOfA2024Server() {
		try (InfisicalTestServer server2024 = PushTestSupport.server(Generation.V2024)) {
			server2024.project(PROJECT).environment("dev").secret("DB_PASSWORD", "Db-Never-Logged-3");
			try (ConfigurableApplicationContext context = PushTestSupport.run(server2024, WebApplication.class,
					WebApplicationType.REACTIVE)) {
				Webhook webhook = server2024.project(PROJECT)
					.environment("dev")
					.addWebhook(PushTestSupport.webhook(context), "/**", KEY);
				server2024.project(PROJECT).environment("dev").secret("DB_PASSWORD", "Db-Never-Logged-4");
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(context.getEnvironment().getProperty("DB_PASSWORD"))
						.isEqualTo("Db-Never-Logged-4"));
				assertThat(webhook.lastStatus()).hasValue(202);
				assertThat(new String(webhook.lastNotice().body(), StandardCharsets.UTF_8)).doesNotContain("projectId");
				WebhookNotice forged = WebhookNotice.of(Generation.V2024, PROJECT, "dev", "/",
						System.currentTimeMillis(), "Not-The-Key");
				assertThat(
						PushTestSupport.post(PushTestSupport.webhook(context), forged.body(), forged.signatureHeader()))
					.isEqualTo(401);
				byte[] oversized = new byte[InfisicalWebhookReceiver.MAX_BODY_SIZE + 1];
				assertThat(PushTestSupport.postChunked(PushTestSupport.webhook(context), oversized)).isEqualTo(413);
				assertThat(PushTestSupport.get(PushTestSupport.url(context, "/anything"))).isEqualTo(401);
			}
		}
	}

	private static int post(byte[] body, @Nullable String signature) {
		return PushTestSupport.post(PushTestSupport.webhook(secured), body, signature);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OwnSecurityApplication {

		// every request authenticated, CSRF on: nothing here knows about the webhook
		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}
