package io.github.infisicalawsauth.autoconfigure.push;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import io.github.infisicalawsauth.push.WebhookVerifier;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.WebhookNotice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalWebhookReceiver}.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class InfisicalWebhookReceiverTests {

	private static final String KEY = "Receiver-Key-Never-Logged";

	private final RecordingNotices notices = new RecordingNotices();

	private final List<String> counted = new ArrayList<>();

	private final List<String> forwarded = new ArrayList<>();

	private final InfisicalWebhookReceiver receiver = receiver(Duration.ofMillis(200));

	@Test
	void receiveWithoutABusAcceptsAVerifiedNoticeReadsAfterTheWebhookDelayAndForwardsIt() {
		WebhookNotice notice = notice(KEY);
		assertThat(this.receiver.receive(notice.body(), notice.signatureHeader())).isEqualTo(202);
		assertThat(this.notices.changed).containsExactly("webhook p1/dev");
		assertThat(this.notices.delays).containsExactly(InfisicalWebhookReceiver.WEBHOOK_DELAY);
		assertThat(this.counted).containsExactly("webhook accepted");
		assertThat(this.forwarded).containsExactly("p1/dev " + notice.signatureHeader());
	}

	@Test
	void receiveWithTheBusActiveReadsAfterARandomDelayWithinTheSpreadLikeEveryOtherInstance() {
		this.receiver.activate(InfisicalWebhookReceiver.BUS);
		long now = System.currentTimeMillis();
		for (int i = 0; i < 20; i++) {
			WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", now - i, KEY);
			assertThat(this.receiver.receive(notice.body(), notice.signatureHeader())).isEqualTo(202);
		}
		assertThat(this.notices.changed).hasSize(20).containsOnly("webhook p1/dev");
		assertThat(this.notices.delays).allSatisfy(
				(delay) -> assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofMillis(200)));
		assertThat(new HashSet<>(this.notices.delays)).hasSizeGreaterThan(1);
		assertThat(this.forwarded).hasSize(20);
	}

	@Test
	void receiveRefusesForgedAndReplayedNoticesWith401AndReadsNothing(CapturedOutput output) {
		WebhookNotice forged = notice("another-key");
		assertThat(this.receiver.receive(forged.body(), forged.signatureHeader())).isEqualTo(401);
		assertThat(this.receiver.receive(forged.body(), null)).isEqualTo(401);
		WebhookNotice notice = notice(KEY);
		this.receiver.receive(notice.body(), notice.signatureHeader());
		assertThat(this.receiver.receive(notice.body(), notice.signatureHeader())).isEqualTo(401);
		assertThat(this.notices.changed).hasSize(1);
		assertThat(this.forwarded).hasSize(1);
		assertThat(this.counted).containsExactly("webhook refused", "webhook refused", "webhook accepted",
				"webhook refused");
		assertThat(output).contains("Refused an Infisical webhook notice: signature does not match")
			.contains("Refused an Infisical webhook notice: no x-infisical-signature header")
			.contains("Refused an Infisical webhook notice: replayed")
			.doesNotContain(KEY)
			.doesNotContain(forged.signatureHeader().split(";")[1])
			.doesNotContain(notice.signatureHeader().split(";")[1]);
	}

	@Test
	void receiveAnswersAndIgnoresOtherEvents(CapturedOutput output) {
		long now = System.currentTimeMillis();
		byte[] body = ("{\"event\":\"secrets.rotation-failed\",\"project\":{\"projectId\":\"p1\",\"environment\":\"dev\"},"
				+ "\"timestamp\":" + now + "}")
			.getBytes(StandardCharsets.UTF_8);
		String signature = WebhookNotice.sign(KEY, body, now);
		assertThat(this.receiver.receive(body, signature)).isEqualTo(202);
		assertThat(this.notices.changed).isEmpty();
		assertThat(this.forwarded).isEmpty();
		assertThat(this.counted).containsExactly("webhook ignored");
		assertThat(output).contains("Ignored an Infisical webhook notice: event 'secrets.rotation-failed'");
	}

	@Test
	void refuseTooLargeAnswers413() {
		assertThat(this.receiver.refuseTooLarge()).isEqualTo(413);
		assertThat(this.counted).containsExactly("webhook refused");
	}

	@Test
	void receiveFromBusVerifiesAgainAndReadsAfterARandomDelayWithinTheSpreadWithoutForwarding() {
		long now = System.currentTimeMillis();
		for (int i = 0; i < 20; i++) {
			WebhookNotice notice = WebhookNotice.of(Generation.V2024, "p1", "dev", "/", now - i, KEY);
			this.receiver.receiveFromBus(notice.body(), notice.signatureHeader());
		}
		assertThat(this.notices.changed).hasSize(20).containsOnly("bus p1/dev");
		assertThat(this.notices.delays).allSatisfy(
				(delay) -> assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofMillis(200)));
		assertThat(new HashSet<>(this.notices.delays)).hasSizeGreaterThan(1);
		assertThat(this.forwarded).isEmpty();
		assertThat(this.counted).hasSize(20).containsOnly("bus accepted");
	}

	@Test
	void receiveFromBusRefusesWhatDoesNotVerifyAndWhatWasReceivedBefore() {
		WebhookNotice notice = notice(KEY);
		this.receiver.receive(notice.body(), notice.signatureHeader());
		this.receiver.receiveFromBus(notice.body(), notice.signatureHeader());
		WebhookNotice forged = notice("another-key");
		this.receiver.receiveFromBus(forged.body(), forged.signatureHeader());
		assertThat(this.notices.changed).containsExactly("webhook p1/dev");
		assertThat(this.counted).containsExactly("webhook accepted", "bus refused", "bus refused");
	}

	@Test
	void receiveFromBusWithoutSpreadReadsAtOnce() {
		InfisicalWebhookReceiver receiver = receiver(Duration.ZERO);
		WebhookNotice notice = notice(KEY);
		receiver.receiveFromBus(notice.body(), notice.signatureHeader());
		assertThat(this.notices.delays).containsExactly(Duration.ZERO);
	}

	private InfisicalWebhookReceiver receiver(Duration spread) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("forwarder", (WebhookForwarder) (body, signature, payload) -> this.forwarded
			.add(payload.getProjectId() + "/" + payload.getEnvironment() + " " + signature));
		return new InfisicalWebhookReceiver(new WebhookVerifier(KEY, Duration.ofMinutes(5), Clock.systemUTC()),
				this.notices, spread, (channel, outcome) -> this.counted.add(channel + " " + outcome),
				beanFactory.getBeanProvider(WebhookForwarder.class));
	}

	private static WebhookNotice notice(String key) {
		return WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/app", System.currentTimeMillis(), key);
	}

}
