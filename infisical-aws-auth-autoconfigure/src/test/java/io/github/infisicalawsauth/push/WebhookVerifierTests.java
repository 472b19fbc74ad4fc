package io.github.infisicalawsauth.push;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.github.infisicalawsauth.push.WebhookVerification.Outcome;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.WebhookNotice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WebhookVerifier} with a fixed clock and notices signed as Infisical
 * signs them.
 *
 * @author Infisical AWS Auth contributors
 */
class WebhookVerifierTests {

	private static final String KEY = "Webhook-Key-Never-Logged";

	private static final Instant NOW = Instant.parse("2025-01-15T10:00:00Z");

	private final WebhookVerifier verifier = new WebhookVerifier(KEY, Duration.ofMinutes(5),
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void verifyAcceptsANoticeOfTheCurrentGeneration() {
		WebhookNotice notice = notice(Generation.CURRENT, NOW.toEpochMilli());
		WebhookVerification verification = this.verifier.verify(notice.body(), notice.signatureHeader());
		assertThat(verification.getOutcome()).isEqualTo(Outcome.ACCEPTED);
		assertThat(verification.getPayload()).satisfies((payload) -> {
			assertThat(payload.getProjectId()).isEqualTo("p1");
			assertThat(payload.getEnvironment()).isEqualTo("dev");
			assertThat(payload.getSecretPath()).isEqualTo("/app");
			assertThat(payload.getTimestamp()).isEqualTo(NOW.toEpochMilli());
		});
	}

	@Test
	void verifyAcceptsANoticeOfThe2024GenerationThatNamesTheProjectWorkspaceId() {
		WebhookNotice notice = notice(Generation.V2024, NOW.toEpochMilli());
		assertThat(new String(notice.body(), StandardCharsets.UTF_8)).doesNotContain("projectId");
		WebhookVerification verification = this.verifier.verify(notice.body(), notice.signatureHeader());
		assertThat(verification.getOutcome()).isEqualTo(Outcome.ACCEPTED);
		assertThat(verification.getPayload().getProjectId()).isEqualTo("p1");
	}

	@Test
	void verifyPrefersProjectIdOverWorkspaceId() {
		String json = "{\"event\":\"secrets.modified\",\"project\":{\"workspaceId\":\"old\",\"projectId\":\"new\","
				+ "\"environment\":\"dev\",\"secretPath\":\"/\",\"unknown\":[1]},\"timestamp\":" + NOW.toEpochMilli()
				+ ",\"extra\":{}}";
		WebhookVerification verification = verify(json, NOW.toEpochMilli());
		assertThat(verification.getOutcome()).isEqualTo(Outcome.ACCEPTED);
		assertThat(verification.getPayload().getProjectId()).isEqualTo("new");
	}

	@Test
	void verifyRefusesANoticeWithoutSignature() {
		WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", NOW.toEpochMilli(), null);
		assertRefused(this.verifier.verify(notice.body(), null), "no x-infisical-signature header");
		assertRefused(this.verifier.verify(notice.body(), ""), "no x-infisical-signature header");
	}

	@Test
	void verifyRefusesAMalformedSignature() {
		WebhookNotice notice = notice(Generation.CURRENT, NOW.toEpochMilli());
		String header = notice.signatureHeader();
		assertRefused(this.verifier.verify(notice.body(), header.substring(0, header.length() - 2)), "malformed");
		assertRefused(this.verifier.verify(notice.body(), header.replace("t=", "ts=")), "malformed");
		assertRefused(this.verifier.verify(notice.body(), header.replace(";", ",")), "malformed");
		assertRefused(this.verifier.verify(notice.body(), "t=99999999999999999999;" + header.split(";")[1]),
				"malformed");
	}

	@Test
	void verifyRefusesANoticeSignedWithAnotherKey() {
		WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", NOW.toEpochMilli(),
				"another-key");
		assertRefused(this.verifier.verify(notice.body(), notice.signatureHeader()), "signature does not match");
	}

	@Test
	void verifyRefusesATamperedBody() {
		WebhookNotice notice = notice(Generation.CURRENT, NOW.toEpochMilli());
		byte[] tampered = new String(notice.body(), StandardCharsets.UTF_8).replace("\"dev\"", "\"prd\"")
			.getBytes(StandardCharsets.UTF_8);
		assertRefused(this.verifier.verify(tampered, notice.signatureHeader()), "signature does not match");
	}

	@Test
	void verifyRefusesASignatureWhoseTimestampDiffersFromTheBody() {
		WebhookNotice notice = notice(Generation.CURRENT, NOW.toEpochMilli());
		String header = WebhookNotice.sign(KEY, notice.body(), NOW.toEpochMilli() + 1);
		assertRefused(this.verifier.verify(notice.body(), header), "timestamp of the signature differs");
	}

	@Test
	void verifyRefusesStaleAndFutureNoticesBeyondTheTolerance() {
		WebhookNotice stale = notice(Generation.CURRENT, NOW.minus(Duration.ofMinutes(5)).toEpochMilli() - 1);
		assertRefused(this.verifier.verify(stale.body(), stale.signatureHeader()), "further than PT5M");
		WebhookNotice future = notice(Generation.CURRENT, NOW.plus(Duration.ofMinutes(5)).toEpochMilli() + 1);
		assertRefused(this.verifier.verify(future.body(), future.signatureHeader()), "further than PT5M");
		WebhookNotice edge = notice(Generation.CURRENT, NOW.minus(Duration.ofMinutes(5)).toEpochMilli());
		assertThat(this.verifier.verify(edge.body(), edge.signatureHeader()).getOutcome()).isEqualTo(Outcome.ACCEPTED);
	}

	@Test
	void verifyRefusesAReplayedNotice() {
		WebhookNotice notice = notice(Generation.CURRENT, NOW.toEpochMilli());
		assertThat(this.verifier.verify(notice.body(), notice.signatureHeader()).getOutcome())
			.isEqualTo(Outcome.ACCEPTED);
		assertRefused(this.verifier.verify(notice.body(), notice.signatureHeader()), "replayed");
		// upper-case hex is the same signature
		assertRefused(this.verifier.verify(notice.body(), notice.signatureHeader().toUpperCase().replace("T=", "t=")),
				"replayed");
		WebhookNotice next = notice(Generation.CURRENT, NOW.toEpochMilli() + 1);
		assertThat(this.verifier.verify(next.body(), next.signatureHeader()).getOutcome()).isEqualTo(Outcome.ACCEPTED);
	}

	@Test
	void verifyForgetsSignaturesOnlyWhenTheirNoticesAreStaleOrTheMemoryIsFull() {
		MutableClock clock = new MutableClock(NOW);
		WebhookVerifier small = new WebhookVerifier(KEY, Duration.ofMinutes(5), clock, 2);
		WebhookNotice first = notice(Generation.CURRENT, NOW.toEpochMilli());
		assertThat(small.verify(first.body(), first.signatureHeader()).getOutcome()).isEqualTo(Outcome.ACCEPTED);
		clock.now = NOW.plus(Duration.ofMinutes(5));
		assertRefused(small.verify(first.body(), first.signatureHeader()), "replayed");
		clock.now = NOW.plus(Duration.ofMinutes(5)).plusMillis(1);
		// forgotten, and refused as stale all the same
		assertRefused(small.verify(first.body(), first.signatureHeader()), "further than");
		for (int i = 1; i <= 3; i++) {
			WebhookNotice notice = notice(Generation.CURRENT, clock.now.toEpochMilli() + i);
			assertThat(small.verify(notice.body(), notice.signatureHeader()).getOutcome()).isEqualTo(Outcome.ACCEPTED);
		}
		WebhookNotice oldest = notice(Generation.CURRENT, clock.now.toEpochMilli() + 1);
		WebhookNotice newest = notice(Generation.CURRENT, clock.now.toEpochMilli() + 3);
		// forgotten to make room, and now with no room to be remembered again: refused,
		// not
		// accepted as often as it is sent
		assertRefused(small.verify(oldest.body(), oldest.signatureHeader()), "memory of accepted signatures is full");
		assertRefused(small.verify(oldest.body(), oldest.signatureHeader()), "memory of accepted signatures is full");
		assertRefused(small.verify(newest.body(), newest.signatureHeader()), "replayed");
	}

	@Test
	void verifyRefusesANoticeThatAFullMemoryCouldNotKeep() {
		WebhookVerifier small = new WebhookVerifier(KEY, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC), 2);
		WebhookNotice[] recent = { notice(Generation.CURRENT, NOW.toEpochMilli()),
				notice(Generation.CURRENT, NOW.minus(Duration.ofMinutes(1)).toEpochMilli()) };
		for (WebhookNotice notice : recent) {
			assertThat(small.verify(notice.body(), notice.signatureHeader()).getOutcome()).isEqualTo(Outcome.ACCEPTED);
		}
		// captured four minutes ago: the first to turn stale, so it would be forgotten at
		// once
		// and could be sent again and again until then
		WebhookNotice captured = notice(Generation.CURRENT, NOW.minus(Duration.ofMinutes(4)).toEpochMilli());
		for (int i = 0; i < 3; i++) {
			assertRefused(small.verify(captured.body(), captured.signatureHeader()),
					"memory of accepted signatures is full");
		}
		for (WebhookNotice notice : recent) {
			assertRefused(small.verify(notice.body(), notice.signatureHeader()), "replayed");
		}
	}

	@Test
	void verifyRemembersEverySignatureWithinTheToleranceUntilTheMemoryIsFull() {
		MutableClock clock = new MutableClock(NOW);
		WebhookVerifier small = new WebhookVerifier(KEY, Duration.ofMinutes(5), clock, 3);
		WebhookNotice[] notices = new WebhookNotice[3];
		for (int i = 0; i < notices.length; i++) {
			notices[i] = notice(Generation.CURRENT, NOW.plus(Duration.ofMinutes(i)).toEpochMilli());
			assertThat(small.verify(notices[i].body(), notices[i].signatureHeader()).getOutcome())
				.isEqualTo(Outcome.ACCEPTED);
		}
		// the last instant at which the first notice is still within the tolerance
		clock.now = NOW.plus(Duration.ofMinutes(5));
		for (WebhookNotice notice : notices) {
			assertRefused(small.verify(notice.body(), notice.signatureHeader()), "replayed");
		}
	}

	@Test
	void verifyForgetsTheSignatureThatTurnsStaleFirstWhenTheMemoryIsFull() {
		WebhookVerifier small = new WebhookVerifier(KEY, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC), 2);
		// accepted first, but within the tolerance for another 9 minutes
		WebhookNotice early = notice(Generation.CURRENT, NOW.plus(Duration.ofMinutes(4)).toEpochMilli());
		// stale in a minute
		WebhookNotice late = notice(Generation.CURRENT, NOW.minus(Duration.ofMinutes(4)).toEpochMilli());
		WebhookNotice third = notice(Generation.CURRENT, NOW.toEpochMilli());
		for (WebhookNotice notice : new WebhookNotice[] { early, late, third }) {
			assertThat(small.verify(notice.body(), notice.signatureHeader()).getOutcome()).isEqualTo(Outcome.ACCEPTED);
		}
		assertRefused(small.verify(early.body(), early.signatureHeader()), "replayed");
		assertRefused(small.verify(third.body(), third.signatureHeader()), "replayed");
	}

	@Test
	void verifyIgnoresOtherEventsAndNoticesWithoutProjectOrEnvironment() {
		WebhookVerification rotation = verify(
				"{\"event\":\"secrets.rotation-failed\",\"project\":{\"projectId\":\"p1\",\"environment\":\"dev\"},"
						+ "\"timestamp\":" + NOW.toEpochMilli() + "}",
				NOW.toEpochMilli());
		assertThat(rotation.getOutcome()).isEqualTo(Outcome.IGNORED);
		assertThat(rotation.getReason()).contains("secrets.rotation-failed");
		WebhookVerification noProject = verify("{\"event\":\"secrets.modified\",\"timestamp\":" + NOW.toEpochMilli()
				+ ",\"project\":{\"environment\":\"dev\"}}", NOW.toEpochMilli() + 0);
		assertThat(noProject.getOutcome()).isEqualTo(Outcome.IGNORED);
		assertThat(noProject.getReason()).contains("no project or environment");
	}

	@Test
	void verifyRefusesASignedBodyThatIsNotANotice() {
		assertRefused(verify("not json", NOW.toEpochMilli()), "not JSON");
		assertRefused(verify("[1]", NOW.toEpochMilli()), "not a JSON object");
		assertRefused(verify("{\"timestamp\":" + NOW.toEpochMilli() + "}", NOW.toEpochMilli()), "no 'event'");
		assertRefused(verify("{\"event\":\"secrets.modified\",\"timestamp\":\"" + NOW.toEpochMilli() + "\"}",
				NOW.toEpochMilli()), "no numeric 'timestamp'");
	}

	@Test
	void reasonsAndDescriptionsShowNeitherKeyNorSignature() {
		WebhookNotice notice = notice(Generation.CURRENT, NOW.toEpochMilli());
		String hex = notice.signatureHeader().split(";")[1];
		WebhookVerification accepted = this.verifier.verify(notice.body(), notice.signatureHeader());
		WebhookVerification replayed = this.verifier.verify(notice.body(), notice.signatureHeader());
		WebhookNotice forged = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", NOW.toEpochMilli(), "forger");
		WebhookVerification refused = this.verifier.verify(forged.body(), forged.signatureHeader());
		String forgedHex = forged.signatureHeader().split(";")[1];
		assertThat(accepted + " " + replayed + " " + refused + " " + this.verifier).doesNotContain(KEY)
			.doesNotContain(hex)
			.doesNotContain(forgedHex);
	}

	@Test
	void createChecksItsArguments() {
		Clock clock = Clock.systemUTC();
		assertThatIllegalArgumentException().isThrownBy(() -> new WebhookVerifier("", Duration.ofMinutes(1), clock))
			.withMessage("'secretKey' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new WebhookVerifier(KEY, Duration.ZERO, clock))
			.withMessage("'tolerance' must be positive");
	}

	private WebhookVerification verify(String json, long signedAt) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		return this.verifier.verify(body, WebhookNotice.sign(KEY, body, signedAt));
	}

	private static WebhookNotice notice(Generation generation, long timestamp) {
		return WebhookNotice.of(generation, "p1", "dev", "/app", timestamp, KEY);
	}

	private static void assertRefused(WebhookVerification verification, String reason) {
		assertThat(verification.getOutcome()).isEqualTo(Outcome.REFUSED);
		assertThat(verification.getReason()).contains(reason);
		assertThat(verification.getPayload()).isNull();
	}

	private static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
