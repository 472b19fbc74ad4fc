package io.github.infisicalawsauth;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when logging in to Infisical with AWS IAM fails. It carries the {@link Reason},
 * so that callers and failure analyzers can tell the user what to check without reading
 * the message.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalLoginException extends InfisicalException {

	private static final String PREFIX = "Cannot log in to Infisical with AWS IAM: ";

	private final Reason reason;

	private final boolean transientFailure;

	/**
	 * Create a new exception.
	 * @param reason why the login failed
	 * @param message the detail message
	 * @param cause the cause
	 * @param transientFailure whether trying again later may succeed
	 */
	public InfisicalLoginException(Reason reason, String message, @Nullable Throwable cause, boolean transientFailure) {
		super(message, cause);
		this.reason = Objects.requireNonNull(reason, "'reason' must not be null");
		this.transientFailure = transientFailure;
	}

	/**
	 * Create an exception for a login that cannot work as configured, with the message
	 * "Cannot log in to Infisical with AWS IAM: " followed by the detail.
	 * @param reason why the login failed
	 * @param detail what went wrong
	 * @param cause the cause, if any
	 * @return the login exception, not transient
	 */
	public static InfisicalLoginException of(Reason reason, String detail, @Nullable Throwable cause) {
		return new InfisicalLoginException(reason, PREFIX + detail, cause, false);
	}

	/**
	 * Create an exception for a failure of the login call itself, quoting the server's
	 * message and request id, with the reason that the answer shows.
	 * @param cause the failure
	 * @return the login exception
	 */
	public static InfisicalLoginException create(InfisicalException cause) {
		if (cause instanceof InfisicalApiException api) {
			return new InfisicalLoginException(reason(api), PREFIX + describe(api), cause, cause.isTransient());
		}
		Reason reason = (cause instanceof InfisicalConnectionException) ? connectionReason(cause)
				: Reason.UNEXPECTED_ANSWER;
		return new InfisicalLoginException(reason, PREFIX + cause.getMessage(), cause, cause.isTransient());
	}

	/**
	 * Create an exception for a caller that waited for a login in vain, naming the last
	 * failure.
	 * @param waited how long the caller waited
	 * @param failuresInARow how many attempts failed in a row meanwhile
	 * @param last the last failure, or {@code null} if no attempt ended
	 * @return the login exception, transient: logging in goes on
	 */
	public static InfisicalLoginException waited(Duration waited, int failuresInARow,
			@Nullable InfisicalLoginException last) {
		String gaveUp = "gave up waiting after " + failuresInARow + " failed attempt"
				+ ((failuresInARow != 1) ? "s" : "") + " in " + waited.toMillis()
				+ " ms; logging in goes on in the background";
		return new InfisicalLoginException(
				(last != null) ? last.getReason() : Reason.SITE_UNREACHABLE, PREFIX + ((last != null)
						? last.getDetail() + " (" + gaveUp + ")" : "no answer from Infisical yet (" + gaveUp + ")"),
				last, true);
	}

	/**
	 * Return the message without the "Cannot log in to Infisical with AWS IAM: " that
	 * starts it.
	 * @return the detail
	 */
	public String getDetail() {
		String message = String.valueOf(getMessage());
		return message.startsWith(PREFIX) ? message.substring(PREFIX.length()) : message;
	}

	private static Reason reason(InfisicalApiException api) {
		String message = api.getServerMessage();
		return switch (api.getStatusCode()) {
			case 400, 422 -> Reason.INVALID_REQUEST;
			case 401 -> {
				if (message.contains("STS verification failed")) {
					yield Reason.STS_REJECTED;
				}
				if (message.toLowerCase(Locale.ROOT).contains("organization")) {
					yield Reason.ORGANIZATION_NOT_FOUND;
				}
				// the 2024 server answers missing body fields with 401
				yield "ValidationFailure".equals(api.getError()) ? Reason.INVALID_REQUEST : Reason.NOT_ALLOWED;
			}
			case 403 -> Reason.NOT_ALLOWED;
			case 404 -> message.toLowerCase(Locale.ROOT).contains("organization") ? Reason.ORGANIZATION_NOT_FOUND
					: Reason.IDENTITY_NOT_FOUND;
			case 429 -> Reason.RATE_LIMITED;
			// the server replays the signed request to STS and hides STS's refusal
			// behind its generic 500
			case 500 -> "Something went wrong".equals(message) ? Reason.STS_REJECTED : Reason.SERVER_ERROR;
			default -> (api.getStatusCode() >= 500) ? Reason.SERVER_ERROR : Reason.UNEXPECTED_ANSWER;
		};
	}

	private static Reason connectionReason(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SSLException) {
				return Reason.TLS;
			}
		}
		return Reason.SITE_UNREACHABLE;
	}

	private static String describe(InfisicalApiException api) {
		StringBuilder message = new StringBuilder(api.getServerMessage()).append(" (HTTP ").append(api.getStatusCode());
		if (api.getReqId() != null) {
			message.append(", reqId ").append(api.getReqId());
		}
		return message.append(')').toString();
	}

	/**
	 * Return why the login failed.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Return the error answer of the login call, if the server answered with one.
	 * @return the API exception or {@code null}
	 */
	public @Nullable InfisicalApiException getApiException() {
		for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof InfisicalApiException api) {
				return api;
			}
		}
		return null;
	}

	@Override
	public boolean isTransient() {
		return this.transientFailure;
	}

	/**
	 * Why a login failed.
	 */
	public enum Reason {

		/**
		 * No AWS region is configured or found by the AWS SDK's region chain.
		 */
		NO_REGION,

		/**
		 * The AWS region is malformed or in a partition that Infisical cannot verify.
		 */
		INVALID_REGION,

		/**
		 * No AWS credentials were found.
		 */
		NO_CREDENTIALS,

		/**
		 * AWS STS did not accept the signed request that Infisical replayed, for a cause
		 * that could not be told apart: a skewed clock, wrong or expired AWS credentials,
		 * or a server that cannot reach STS.
		 */
		STS_REJECTED,

		/**
		 * AWS STS did not accept the signed request because this host's clock is off by
		 * more than STS tolerates.
		 */
		CLOCK_SKEW,

		/**
		 * AWS STS did not accept the AWS credentials that signed the request: a wrong
		 * secret key, an unknown access key id, or expired session credentials.
		 */
		CREDENTIALS_REJECTED,

		/**
		 * The Infisical server could not have STS verify a request that STS accepts from
		 * this host: it probably cannot reach the regional STS endpoint.
		 */
		STS_UNREACHABLE,

		/**
		 * The machine identity does not exist or has no AWS auth configured.
		 */
		IDENTITY_NOT_FOUND,

		/**
		 * The sub-organization does not exist or the identity is not a member.
		 */
		ORGANIZATION_NOT_FOUND,

		/**
		 * The AWS account or principal is not allowed by the identity's AWS auth.
		 */
		NOT_ALLOWED,

		/**
		 * The server refused the login request as malformed.
		 */
		INVALID_REQUEST,

		/**
		 * The Infisical site cannot be reached or did not answer in time.
		 */
		SITE_UNREACHABLE,

		/**
		 * The TLS handshake with the Infisical site failed.
		 */
		TLS,

		/**
		 * The server is rate limiting logins.
		 */
		RATE_LIMITED,

		/**
		 * The server failed for a reason of its own.
		 */
		SERVER_ERROR,

		/**
		 * The server answered something that is not a login answer.
		 */
		UNEXPECTED_ANSWER,

		/**
		 * The thread waiting for the login was interrupted.
		 */
		INTERRUPTED

	}

}
