package io.github.infisicalawsauth.authentication;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.useragent.BusinessMetricFeatureId;

/**
 * Explains a login that AWS STS refused. Infisical hides STS's reason (the 2024 server
 * answers {@code 500 Something went wrong}), so the causes are reasoned about from what
 * the client can see: the server's clock in the answer's {@code Date} header, the
 * credentials that signed the request, and, when available, what STS answers when asked
 * directly from this host.
 *
 * @author Infisical AWS Auth contributors
 */
final class StsRefusal {

	/**
	 * Offset between this host's clock and the server's above which the clock is named as
	 * the cause. STS tolerates 15 minutes; a few minutes apart already means one of the
	 * two clocks is not synchronised.
	 */
	static final Duration CLOCK_SKEW_THRESHOLD = Duration.ofMinutes(5);

	private final InfisicalLoginException refusal;

	private final @Nullable Duration clockOffset;

	private final AwsCredentials credentials;

	private final String credentialsProvider;

	private final String region;

	private StsCallerCheck.@Nullable Result check;

	/**
	 * Start explaining a refusal.
	 * @param refusal the login failure as classified from the answer
	 * @param now this host's time when the answer arrived
	 * @param credentials the credentials that signed the request
	 * @param credentialsProvider the class of the provider that supplied them
	 * @param region the STS region
	 */
	StsRefusal(InfisicalLoginException refusal, Instant now, AwsCredentials credentials, String credentialsProvider,
			String region) {
		this.refusal = refusal;
		InfisicalApiException answer = refusal.getApiException();
		Instant serverDate = (answer != null) ? answer.getServerDate() : null;
		// the Date header has whole seconds
		this.clockOffset = (serverDate != null) ? Duration.between(serverDate, now.truncatedTo(ChronoUnit.SECONDS))
				: null;
		this.credentials = credentials;
		this.credentialsProvider = credentialsProvider;
		this.region = region;
	}

	/**
	 * Whether this host's clock is far enough from the server's to be the cause.
	 * @return {@code true} if the clock is the likely cause
	 */
	boolean isClockSkewed() {
		return this.clockOffset != null && this.clockOffset.abs().compareTo(CLOCK_SKEW_THRESHOLD) > 0;
	}

	/**
	 * Add what STS answered when asked directly.
	 * @param check the answer
	 * @return this
	 */
	StsRefusal withCheck(StsCallerCheck.Result check) {
		this.check = check;
		return this;
	}

	/**
	 * Return the login failure with its cause and the likely causes, most likely first.
	 * @return the exception
	 */
	InfisicalLoginException toException() {
		Reason reason;
		List<String> causes = new ArrayList<>();
		StsCallerCheck.@Nullable Result check = this.check;
		if (isClockSkewed()
				|| (check != null && check.outcome() == StsCallerCheck.Outcome.REFUSED && check.isClockError())) {
			reason = Reason.CLOCK_SKEW;
			causes.add(clock());
			causes.add(credentials(null));
			causes.add(stsEndpoint(null));
		}
		else if (check != null && check.outcome() == StsCallerCheck.Outcome.REFUSED) {
			reason = Reason.CREDENTIALS_REJECTED;
			causes.add(credentials("AWS STS, asked directly from this host, refused them too: " + check.detail()
					+ ((check.message() != null) ? " (" + check.message() + ")" : "")));
			causes.add(clock());
		}
		else if (check != null && check.outcome() == StsCallerCheck.Outcome.ACCEPTED) {
			reason = Reason.STS_UNREACHABLE;
			causes.add(stsEndpoint("AWS STS, asked directly from this host with the same credentials, accepted them as "
					+ check.detail()));
			causes.add(clock());
		}
		else {
			reason = Reason.STS_REJECTED;
			causes.add(credentials(null));
			causes.add(stsEndpoint(null));
			causes.add(clock());
		}
		StringBuilder message = new StringBuilder(String.valueOf(this.refusal.getMessage()))
			.append(". AWS STS did not accept the signed GetCallerIdentity request (Infisical does not say why). ")
			.append("Likely causes, most likely first:");
		for (int i = 0; i < causes.size(); i++) {
			message.append(' ').append(i + 1).append(") ").append(causes.get(i));
		}
		// signing again cannot mend a clock or credentials that STS itself refused
		boolean signingAgainMayHelp = reason == Reason.STS_REJECTED || reason == Reason.STS_UNREACHABLE;
		return new InfisicalLoginException(reason, message.toString(), this.refusal, signingAgainMayHelp);
	}

	private String clock() {
		Duration offset = this.clockOffset;
		if (offset == null) {
			return "this host's clock: the answer had no Date header to compare it with; check it with "
					+ "'timedatectl status' or 'chronyc tracking'.";
		}
		if (!isClockSkewed()) {
			return "this host's clock agrees with the Infisical server's (" + offset.abs().getSeconds()
					+ " s apart), so it is not the cause unless both are off; check with 'timedatectl status'.";
		}
		return "your clock is " + describe(offset) + " the Infisical server's (its Date header); AWS STS refuses "
				+ "requests signed more than 15 minutes off. Synchronise this host's clock (NTP, chrony; check with "
				+ "'timedatectl status' or 'chronyc tracking').";
	}

	private static String describe(Duration offset) {
		long seconds = offset.abs().getSeconds();
		String amount = (seconds >= 120) ? (seconds / 60) + " minutes" : seconds + " seconds";
		return amount + (offset.isNegative() ? " behind" : " ahead of");
	}

	private String credentials(@Nullable String evidence) {
		AwsCredentials credentials = this.credentials;
		String accessKeyId = credentials.accessKeyId();
		StringBuilder description = new StringBuilder("the AWS credentials that signed the request: access key id ")
			.append(accessKeyId, 0, Math.min(4, accessKeyId.length()))
			.append("... (")
			.append(accessKeyId.startsWith("ASIA") ? "temporary" : "long-term")
			.append("), ")
			.append((credentials instanceof AwsSessionCredentials) ? "with" : "without")
			.append(" a session token");
		credentials.expirationTime()
			.ifPresent((expiry) -> description.append(", expiring ").append(expiry.truncatedTo(ChronoUnit.SECONDS)));
		description.append(", supplied by ").append(this.credentialsProvider);
		String source = source(credentials);
		if (source != null) {
			description.append(" from ").append(source);
		}
		description.append(". ");
		if (evidence != null) {
			description.append(evidence).append(". ");
		}
		return description
			.append("A wrong or rotated secret key, or expired session credentials, make STS refuse the signature; "
					+ "check with 'aws sts get-caller-identity' using the same credentials.")
			.toString();
	}

	// the SDK names where the credentials came from with a business metric code
	private static @Nullable String source(AwsCredentials credentials) {
		String codes = credentials.providerName().orElse(null);
		if (codes == null) {
			return null;
		}
		List<String> sources = new ArrayList<>();
		for (String code : codes.split(",")) {
			for (BusinessMetricFeatureId feature : BusinessMetricFeatureId.values()) {
				if (feature.value().equals(code.trim()) && feature.name().startsWith("CREDENTIALS_")) {
					sources.add(feature.name()
						.substring("CREDENTIALS_".length())
						.toLowerCase(Locale.ROOT)
						.replace('_', ' ')
						.replace("jvm", "JVM")
						.replace("imds", "instance metadata (IMDS)")
						.replace("sts", "STS")
						.replace("sso", "SSO")
						.replace("env vars", "environment variables"));
				}
			}
		}
		return sources.isEmpty() ? null : String.join(", ", sources);
	}

	private String stsEndpoint(@Nullable String evidence) {
		String endpoint = "https://sts." + this.region + ".amazonaws.com";
		return ((evidence != null) ? evidence + ", so " : "") + "the Infisical server may be unable to reach "
				+ endpoint + "; check from the server, for example 'curl -sI " + endpoint
				+ "', its proxy and firewall.";
	}

}
