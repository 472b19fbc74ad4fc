package io.github.infisicalawsauth.autoconfigure.push;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.infisicalawsauth.push.WebhookPayload;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.Webhook;
import io.github.infisicalawsauth.test.WebhookNotice;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.bus.BusBridge;
import org.springframework.cloud.bus.event.PathDestinationFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static io.github.infisicalawsauth.autoconfigure.push.PushTestSupport.KEY;
import static io.github.infisicalawsauth.autoconfigure.push.PushTestSupport.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application on Spring Cloud Bus over a Kafka broker in this JVM: a
 * webhook to one reaches both, and a bus message that does not verify reaches neither.
 *
 * @author Infisical AWS Auth contributors
 */
@Tag("push")
@ExtendWith(OutputCaptureExtension.class)
class InfisicalWebhookBusIntegrationTests {

	private static final Duration SPREAD = Duration.ofMillis(300);

	private static final Duration READ_SETTLED = InfisicalWebhookReceiver.WEBHOOK_DELAY.plusMillis(300);

	private static EmbeddedKafkaKraftBroker broker;

	private static InfisicalTestServer server;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void start() {
		broker = new EmbeddedKafkaKraftBroker(1, 1, "springCloudBus");
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		broker.brokerProperty("offsets.topic.num.partitions", "1");
		broker.afterPropertiesSet();
		server = PushTestSupport.server(Generation.CURRENT);
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", "Bus-Db-Never-Logged-1");
		first = instance("first");
		second = instance("second");
	}

	private static ConfigurableApplicationContext instance(String busId) {
		return PushTestSupport.run(server, Application.class, WebApplicationType.SERVLET, PushTestSupport.NO_SECURITY,
				"--spring.cloud.bus.enabled=true", "--spring.cloud.bus.id=" + busId,
				"--infisical.secrets.bus.spread=" + SPREAD.toMillis() + "ms",
				"--spring.cloud.stream.kafka.binder.brokers=" + broker.getBrokersAsString(),
				// an instance gets the messages sent before its consumer joined
				"--spring.cloud.stream.kafka.bindings.springCloudBusInput.consumer.startOffset=earliest",
				"--management.endpoints.web.exposure.include=env,configprops",
				"--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always");
	}

	@AfterAll
	static void stop() {
		second.close();
		first.close();
		server.close();
		broker.destroy();
	}

	@Test
	void webhookToOneInstanceIsReadOnceByEachInstance() {
		Webhook webhook = server.project(PROJECT)
			.environment("dev")
			.addWebhook(PushTestSupport.webhook(first), "/", KEY);
		int reads = server.secretReadCount();
		double webhookAccepted = PushTestSupport.notices(first, "webhook", "accepted");
		double busAccepted = PushTestSupport.notices(second, "bus", "accepted");
		// other tests put messages of other origins on the bus
		double firstBusRefused = PushTestSupport.notices(first, "bus", "refused");
		server.project(PROJECT).environment("dev").secret("DB_PASSWORD", "Bus-Db-Never-Logged-2");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(first.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("Bus-Db-Never-Logged-2");
			assertThat(second.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("Bus-Db-Never-Logged-2");
		});
		assertThat(webhook.lastStatus()).hasValue(202);
		// one read by the instance that got the webhook, one by the other
		await().during(READ_SETTLED.plus(SPREAD))
			.atMost(Duration.ofSeconds(10))
			.until(server::secretReadCount, (count) -> count == reads + 2);
		assertThat(PushTestSupport.notices(first, "webhook", "accepted")).isEqualTo(webhookAccepted + 1);
		assertThat(PushTestSupport.notices(second, "bus", "accepted")).isEqualTo(busAccepted + 1);
		// the instance that got the webhook skips its own bus message
		assertThat(PushTestSupport.notices(first, "bus", "accepted")).isZero();
		assertThat(PushTestSupport.notices(first, "bus", "refused")).isEqualTo(firstBusRefused);
	}

	@Test
	void actuatorNeverShowsTheKey() {
		assertThat(PushTestSupport.getBody(PushTestSupport.url(first, "/actuator/env")))
			.contains("infisical.secrets.webhook.secret-key")
			.doesNotContain(KEY);
		assertThat(PushTestSupport.getBody(PushTestSupport.url(first, "/actuator/configprops"))).contains("secretKey")
			.doesNotContain(KEY);
	}

	@Test
	void busMessagesThatDoNotVerifyOrWereSeenBeforeCauseNoRead() {
		long now = System.currentTimeMillis();
		WebhookNotice valid = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/", now, KEY);
		int reads = server.secretReadCount();
		assertThat(PushTestSupport.post(PushTestSupport.webhook(first), valid.body(), valid.signatureHeader()))
			.isEqualTo(202);
		await().atMost(Duration.ofSeconds(20)).until(server::secretReadCount, (count) -> count == reads + 2);
		List<@Nullable Instant> noticed = PushTestSupport.lastNotices(second);
		double refused = PushTestSupport.notices(second, "bus", "refused");
		WebhookNotice forged = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/", now + 1, "Not-The-Key");
		byte[] tampered = new String(valid.body(), StandardCharsets.UTF_8).replace("\"dev\"", "\"prd\"")
			.getBytes(StandardCharsets.UTF_8);
		// what a compromised or misconfigured instance could put on the bus
		publish(forged.body(), forged.signatureHeader());
		publish(tampered, valid.signatureHeader());
		publish(valid.body(), valid.signatureHeader());
		await().atMost(Duration.ofSeconds(20))
			.until(() -> PushTestSupport.notices(second, "bus", "refused"), (count) -> count == refused + 3);
		assertThat(PushTestSupport.lastNotices(second)).isEqualTo(noticed);
		await().during(READ_SETTLED.plus(SPREAD))
			.atMost(Duration.ofSeconds(10))
			.until(server::secretReadCount, (count) -> count == reads + 2);
	}

	@Test
	void busMessagesWithoutBodyOrSignatureAreRefusedWithoutAnExceptionAndCauseNoRead(CapturedOutput output) {
		long now = System.currentTimeMillis();
		WebhookNotice valid = WebhookNotice.of(Generation.CURRENT, PROJECT, "dev", "/", now, KEY);
		String body = Base64.getEncoder().encodeToString(valid.body());
		int reads = server.secretReadCount();
		List<@Nullable Instant> noticed = PushTestSupport.lastNotices(second);
		double refused = PushTestSupport.notices(second, "bus", "refused");
		// what anyone who can write to the broker could send
		sendRaw("\"body\":null,\"signature\":\"" + valid.signatureHeader() + "\"");
		sendRaw("\"body\":\"" + body + "\",\"signature\":null");
		sendRaw("");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> PushTestSupport.notices(second, "bus", "refused"), (count) -> count == refused + 3);
		assertThat(PushTestSupport.lastNotices(second)).isEqualTo(noticed);
		await().during(READ_SETTLED.plus(SPREAD))
			.atMost(Duration.ofSeconds(10))
			.until(server::secretReadCount, (count) -> count == reads);
		assertThat(output).doesNotContain("NullPointerException").doesNotContain(valid.signatureHeader());
	}

	// a bus message as another instance's Spring Cloud Bus writes it, with the given
	// fields of the notice
	private static void sendRaw(String fields) {
		String json = "{\"type\":\"InfisicalWebhookBusEvent\",\"timestamp\":" + System.currentTimeMillis()
				+ ",\"originService\":\"intruder\",\"destinationService\":\"**\",\"id\":\"" + UUID.randomUUID() + "\""
				+ (fields.isEmpty() ? "" : "," + fields) + "}";
		Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
				new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>("springCloudBus", json.getBytes(StandardCharsets.UTF_8)));
		}
	}

	private static void publish(byte[] body, @Nullable String signature) {
		BusMessages.publish(first, "first", body, signature);
	}

	// apart, so that the test class loads without Spring Cloud Bus (surefire's default
	// execution discovers it, then leaves it to the 'push' one)
	private static final class BusMessages {

		static void publish(ConfigurableApplicationContext context, String busId, byte[] body,
				@Nullable String signature) {
			context.getBean(BusBridge.class)
				.send(new InfisicalWebhookBusEvent(context, busId, new PathDestinationFactory().getDestination(null),
						body, (signature != null) ? signature : "", WebhookPayload.parse(body)));
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
