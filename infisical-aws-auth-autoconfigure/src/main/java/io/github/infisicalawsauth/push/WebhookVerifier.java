package io.github.infisicalawsauth.push;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Verifies Infisical webhook notices: the {@value #SIGNATURE_HEADER} header
 * {@code t=<timestamp>;<hex>} must hold the HMAC-SHA256 of the exact body keyed with the
 * webhook's secret key (compared in constant time), its timestamp must equal the body's
 * {@code timestamp} and lie within the tolerance of this host's clock, and the signature
 * must not have been accepted before (a bounded memory of the signatures accepted within
 * the tolerance). The body is only parsed once the signature matched. Thread-safe.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class WebhookVerifier {

	/**
	 * Name of the header that carries the signature.
	 */
	public static final String SIGNATURE_HEADER = "x-infisical-signature";

	/**
	 * How many accepted signatures are remembered at most; more notices than that within
	 * the tolerance make those that turn stale soonest forgotten first, and a notice that
	 * would itself be the first to go is refused.
	 */
	static final int MEMORY_SIZE = 1024;

	private static final String HMAC = "HmacSHA256";

	// t=<milliseconds>;<64 hex digits>
	private static final Pattern SIGNATURE = Pattern.compile("t=(\\d{1,19});([0-9a-fA-F]{64})");

	private final SecretKeySpec key;

	private final Duration tolerance;

	private final Clock clock;

	private final SeenSignatures seen;

	/**
	 * Create a verifier.
	 * @param secretKey the webhook's secret key, as entered in Infisical
	 * @param tolerance how far a notice's timestamp may lie from this host's clock
	 * @param clock the clock
	 */
	public WebhookVerifier(String secretKey, Duration tolerance, Clock clock) {
		this(secretKey, tolerance, clock, MEMORY_SIZE);
	}

	WebhookVerifier(String secretKey, Duration tolerance, Clock clock, int memorySize) {
		if (secretKey == null || secretKey.isEmpty()) {
			throw new IllegalArgumentException("'secretKey' must not be empty");
		}
		if (tolerance == null || tolerance.isNegative() || tolerance.isZero()) {
			throw new IllegalArgumentException("'tolerance' must be positive");
		}
		if (clock == null) {
			throw new IllegalArgumentException("'clock' must not be null");
		}
		this.key = new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), HMAC);
		this.tolerance = tolerance;
		this.clock = clock;
		this.seen = new SeenSignatures(memorySize);
	}

	/**
	 * Verify a notice.
	 * @param body the exact body bytes received
	 * @param signatureHeader the value of the {@value #SIGNATURE_HEADER} header, or
	 * {@code null} if the request had none
	 * @return the verification; only an {@link WebhookVerification.Outcome#ACCEPTED
	 * accepted} notice is remembered, so that the same notice is refused next time
	 */
	public WebhookVerification verify(byte[] body, @Nullable String signatureHeader) {
		if (signatureHeader == null || signatureHeader.isEmpty()) {
			return WebhookVerification.refused("no " + SIGNATURE_HEADER + " header");
		}
		Matcher signature = SIGNATURE.matcher(signatureHeader.trim());
		if (!signature.matches()) {
			return WebhookVerification.refused("malformed " + SIGNATURE_HEADER + " header");
		}
		byte[] expected = hmac(body);
		byte[] actual = HexFormat.of().parseHex(signature.group(2));
		if (!MessageDigest.isEqual(expected, actual)) {
			return WebhookVerification.refused("signature does not match the body and the secret key");
		}
		long signedAt;
		try {
			signedAt = Long.parseLong(signature.group(1));
		}
		catch (NumberFormatException ex) {
			return WebhookVerification.refused("malformed " + SIGNATURE_HEADER + " header");
		}
		WebhookPayload payload;
		try {
			payload = WebhookPayload.parse(body);
		}
		catch (IllegalArgumentException ex) {
			return WebhookVerification.refused("signed body is unreadable: " + ex.getMessage());
		}
		if (payload.getTimestamp() != signedAt) {
			return WebhookVerification.refused("timestamp of the signature differs from the body's");
		}
		Instant now = this.clock.instant();
		Instant sent = Instant.ofEpochMilli(signedAt);
		if (Duration.between(sent, now).abs().compareTo(this.tolerance) > 0) {
			return WebhookVerification.refused("timestamp " + sent + " is further than " + this.tolerance
					+ " from this host's clock (" + now + ")");
		}
		SeenSignatures.Added added = this.seen.add(HexFormat.of().formatHex(actual), sent.plus(this.tolerance), now);
		if (added == SeenSignatures.Added.SEEN_BEFORE) {
			return WebhookVerification.refused("replayed: the same signature was accepted before");
		}
		if (added == SeenSignatures.Added.NO_ROOM) {
			return WebhookVerification.refused("the memory of accepted signatures is full of notices sent later "
					+ "than this one, which could not be remembered and so not be told from a replay");
		}
		if (!payload.isSecretsModified()) {
			return WebhookVerification.ignored(payload,
					"event '" + payload.getEvent() + "' is not about changed secrets");
		}
		if (payload.getProjectId() == null || payload.getEnvironment() == null) {
			return WebhookVerification.ignored(payload, "notice names no project or environment");
		}
		return WebhookVerification.accepted(payload);
	}

	private byte[] hmac(byte[] body) {
		try {
			Mac mac = Mac.getInstance(HMAC);
			mac.init(this.key);
			return mac.doFinal(body);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(HMAC + " is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "WebhookVerifier[tolerance " + this.tolerance + "]";
	}

}
