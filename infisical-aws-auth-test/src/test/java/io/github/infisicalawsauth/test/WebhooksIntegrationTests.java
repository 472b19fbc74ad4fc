package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.github.infisicalawsauth.test.WebhookReceiver.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the webhooks that {@link InfisicalTestServer} sends after secrets
 * change.
 *
 * @author Infisical AWS Auth contributors
 */
class WebhooksIntegrationTests {

	private static final String KEY = "whsec-test-key";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private final WebhookReceiver receiver = new WebhookReceiver();

	private InfisicalTestServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
		this.receiver.close();
	}

	private EnvironmentSpec start(Generation generation, Duration delay) {
		this.server = InfisicalTestServer.builder()
			.generation(generation)
			.clock(this.clock)
			.webhookDelay(delay)
			.start();
		return this.server.project("p1").environment("dev");
	}

	@Test
	void signedNoticeOfCurrentGenerationNamesProjectEnvironmentAndAuthor() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ZERO);
		Webhook webhook = dev.addWebhook(this.receiver.url("/hook"), "/app/**", KEY);
		dev.folder("/app/backend").secret("DB_URL", "jdbc:postgresql://db/app");
		Received received = this.receiver.next();
		assertThat(received.method()).isEqualTo("POST");
		assertThat(received.path()).isEqualTo("/hook");
		assertThat(received.header("Content-Type")).isEqualTo("application/json");
		JsonNode body = Json.MAPPER.readTree(received.body());
		long timestamp = this.clock.millis();
		assertThat(body.get("event").asString()).isEqualTo("secrets.modified");
		assertThat(body.get("timestamp").asLong()).isEqualTo(timestamp);
		JsonNode project = body.get("project");
		assertThat(project.propertyNames()).containsExactly("workspaceId", "projectId", "projectName", "environment",
				"environmentName", "secretPath", "changedBy", "changedByActorType");
		assertThat(project.get("workspaceId").asString()).isEqualTo("p1");
		assertThat(project.get("projectId").asString()).isEqualTo("p1");
		assertThat(project.get("environment").asString()).isEqualTo("dev");
		assertThat(project.get("secretPath").asString()).isEqualTo("/app/backend");
		assertThat(project.get("changedByActorType").asString()).isEqualTo("platform");
		assertThat(received.header(WebhookNotice.SIGNATURE_HEADER))
			.isEqualTo("t=" + timestamp + ";" + hmacSha256Hex(KEY, received.body()));
		await().atMost(Duration.ofSeconds(5)).until(() -> webhook.deliveryCount() == 1);
		assertThat(webhook.lastStatus()).hasValue(200);
		assertThat(webhook.lastError()).isNull();
		assertThat(webhook.lastNotice().body()).isEqualTo(received.body());
	}

	@Test
	void noticeOf2024GenerationHasOnlyWorkspaceEnvironmentAndPath() {
		EnvironmentSpec dev = start(Generation.V2024, Duration.ZERO);
		dev.addWebhook(this.receiver.url("/hook"), "/app", KEY);
		dev.folder("/app").secret("KEY", "value");
		Received received = this.receiver.next();
		long timestamp = this.clock.millis();
		assertThat(new String(received.body(), StandardCharsets.UTF_8))
			.isEqualTo("{\"event\":\"secrets.modified\",\"project\":{\"workspaceId\":\"p1\",\"environment\":\"dev\","
					+ "\"secretPath\":\"/app\"},\"timestamp\":" + timestamp + "}");
		assertThat(received.header("x-infisical-signature"))
			.isEqualTo("t=" + timestamp + ";" + hmacSha256Hex(KEY, received.body()));
	}

	@Test
	void noticeWithoutSecretKeyHasNoSignatureHeader() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ZERO);
		Webhook webhook = dev.addWebhook(this.receiver.url("/hook"), "/", null);
		dev.secret("KEY", "value");
		Received received = this.receiver.next();
		assertThat(received.header(WebhookNotice.SIGNATURE_HEADER)).isNull();
		assertThat(webhook.isSigned()).isFalse();
		assertThat(Json.MAPPER.readTree(received.body()).get("project").get("secretPath").asString()).isEqualTo("/");
	}

	@Test
	void changesAtFolderWithinDelayGoInOneNotice() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ofMillis(200));
		Webhook webhook = dev.addWebhook(this.receiver.url("/hook"), "/**", KEY);
		dev.folder("/app").secret("A", "1").secret("B", "2").secret("A", "3").removeSecret("B");
		assertThat(this.receiver.next().path()).isEqualTo("/hook");
		dev.folder("/app").secret("C", "4");
		this.receiver.next();
		await().atMost(Duration.ofSeconds(5)).until(() -> webhook.deliveryCount() >= 2);
		// four changes made at once were one notice; had they been four, the three
		// others would have been delivered before the notice of the later change
		assertThat(webhook.deliveryCount()).isEqualTo(2);
		assertThat(this.receiver.waiting()).isZero();
	}

	@Test
	void eachChangedFolderGetsItsOwnNotice() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ofMillis(100));
		dev.addWebhook(this.receiver.url("/hook"), "/**", null);
		dev.folder("/a").secret("A", "1");
		dev.folder("/b").secret("B", "1");
		String first = secretPath(this.receiver.next());
		String second = secretPath(this.receiver.next());
		assertThat(new String[] { first, second }).containsExactlyInAnyOrder("/a", "/b");
	}

	@Test
	void onlyWebhooksWhosePathGlobAndEnvironmentMatchGetNotices() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ZERO);
		Webhook root = dev.addWebhook(this.receiver.url("/root"), "/", null);
		Webhook app = dev.addWebhook(this.receiver.url("/app"), "/app/**", null);
		Webhook staging = this.server.project("p1")
			.environment("staging")
			.addWebhook(this.receiver.url("/staging"), "/**", null);
		dev.folder("/app/backend").secret("KEY", "1");
		await().atMost(Duration.ofSeconds(5)).until(() -> app.deliveryCount() == 1);
		dev.secret("ROOT", "1");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> root.lastNotice() != null && root.lastNotice().secretPath().equals("/"));
		assertThat(root.deliveryCount()).isOne();
		assertThat(app.deliveryCount()).isOne();
		assertThat(staging.deliveryCount()).isZero();
	}

	@Test
	void pathGlobsMatchAsInfisicalMatchesThem() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ZERO);
		Webhook root = dev.addWebhook(this.receiver.url("/"), "/", null);
		Webhook all = dev.addWebhook(this.receiver.url("/"), "/**", null);
		Webhook app = dev.addWebhook(this.receiver.url("/"), "/app/**", null);
		Webhook children = dev.addWebhook(this.receiver.url("/"), "/app/*", null);
		Webhook exact = dev.addWebhook(this.receiver.url("/"), "app/", null);
		assertThat(root.matches("/")).isTrue();
		assertThat(root.matches("/app")).isFalse();
		assertThat(all.matches("/")).isTrue();
		assertThat(all.matches("/app/backend/x")).isTrue();
		assertThat(app.matches("/app")).isTrue();
		assertThat(app.matches("/app/backend/x")).isTrue();
		assertThat(app.matches("/application")).isFalse();
		assertThat(children.matches("/app/backend")).isTrue();
		assertThat(children.matches("/app/backend/x")).isFalse();
		assertThat(exact.secretPath()).isEqualTo("/app");
		assertThat(exact.matches("/app/")).isTrue();
		assertThat(exact.matches("/app/backend")).isFalse();
	}

	@Test
	void folderThatImportsChangedFolderGetsNoticeToo() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ZERO);
		dev.folder("/app").importFrom("dev", "/shared");
		Webhook webhook = dev.addWebhook(this.receiver.url("/hook"), "/app", null);
		dev.folder("/shared").secret("SHARED", "1");
		assertThat(secretPath(this.receiver.next())).isEqualTo("/app");
		await().atMost(Duration.ofSeconds(5)).until(() -> webhook.deliveryCount() == 1);
	}

	@Test
	void sendWebhooksNotifiesOnDemandAndRecordsStatus() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ofHours(1));
		Webhook webhook = dev.addWebhook(this.receiver.url("/hook"), "/app/**", KEY);
		this.receiver.answerWith(500);
		assertThat(this.server.sendWebhooks("p1", "dev", "/app/x")).isOne();
		// synchronous: the delivery ended when the call returned
		assertThat(webhook.deliveryCount()).isOne();
		assertThat(webhook.lastStatus()).hasValue(500);
		assertThat(secretPath(this.receiver.next())).isEqualTo("/app/x");
		assertThat(this.server.sendWebhooks("p1", "dev", "/other")).isZero();
		assertThat(this.server.sendWebhooks("p1", "missing", "/")).isZero();
	}

	@Test
	void unreachableWebhookRecordsFailure() throws IOException {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ZERO);
		URI closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
		}
		Webhook webhook = dev.addWebhook(closed, "/", KEY);
		this.server.sendWebhooks("p1", "dev", "/");
		assertThat(webhook.deliveryCount()).isOne();
		assertThat(webhook.lastStatus()).isEmpty();
		assertThat(webhook.lastError()).contains("ConnectException");
	}

	@Test
	void noticeCanBeBuiltWithoutSending() {
		EnvironmentSpec dev = start(Generation.CURRENT, Duration.ZERO);
		Webhook webhook = dev.addWebhook(this.receiver.url("/hook"), "/**", KEY);
		WebhookNotice notice = webhook.notice("/app/");
		assertThat(notice.secretPath()).isEqualTo("/app");
		assertThat(notice.timestamp()).isEqualTo(this.clock.millis());
		assertThat(notice.signatureHeader())
			.isEqualTo("t=" + notice.timestamp() + ";" + hmacSha256Hex(KEY, notice.body()))
			.isEqualTo(WebhookNotice.sign(KEY, notice.body(), notice.timestamp()));
		assertThat(notice.body())
			.isEqualTo(WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/app", notice.timestamp(), null).body());
		assertThat(notice.toString()).doesNotContain(KEY).doesNotContain(notice.signatureHeader());
		assertThat(webhook.toString()).doesNotContain(KEY);
		assertThat(webhook.deliveryCount()).isZero();
		assertThat(this.receiver.waiting()).isZero();
		// a stale notice: same body shape, an old timestamp, validly signed
		WebhookNotice stale = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/app",
				this.clock.millis() - Duration.ofMinutes(10).toMillis(), KEY);
		assertThat(stale.signatureHeader()).startsWith("t=" + stale.timestamp() + ";");
		assertThatIllegalArgumentException().isThrownBy(() -> WebhookNotice.sign("", notice.body(), 1));
	}

	private static String secretPath(Received received) {
		return Json.MAPPER.readTree(received.body()).get("project").get("secretPath").asString();
	}

	private static String hmacSha256Hex(String key, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
