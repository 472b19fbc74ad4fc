package io.github.infisicalawsauth;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An error answer from the Infisical API, carrying what the server said: HTTP status,
 * {@code error}, {@code message} and the request id that Infisical support asks for.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalApiException extends InfisicalException {

	private final int statusCode;

	private final @Nullable String error;

	private final String serverMessage;

	private final @Nullable String reqId;

	private final @Nullable Duration retryAfter;

	private final @Nullable Instant serverDate;

	/**
	 * Create a new exception.
	 * @param description what was being done, for example
	 * {@code "POST /api/v1/auth/token/renew"}
	 * @param statusCode the HTTP status
	 * @param error the {@code error} field of the body, if any
	 * @param serverMessage the {@code message} field of the body, or a description of the
	 * body when it was not the expected JSON
	 * @param reqId the {@code reqId} field of the body, if any
	 * @param retryAfter the {@code Retry-After} the server asked for, if any
	 */
	public InfisicalApiException(String description, int statusCode, @Nullable String error, String serverMessage,
			@Nullable String reqId, @Nullable Duration retryAfter) {
		this(description, statusCode, error, serverMessage, reqId, retryAfter, null);
	}

	/**
	 * Create a new exception.
	 * @param description what was being done, for example
	 * {@code "POST /api/v1/auth/token/renew"}
	 * @param statusCode the HTTP status
	 * @param error the {@code error} field of the body, if any
	 * @param serverMessage the {@code message} field of the body, or a description of the
	 * body when it was not the expected JSON
	 * @param reqId the {@code reqId} field of the body, if any
	 * @param retryAfter the {@code Retry-After} the server asked for, if any
	 * @param serverDate the {@code Date} header of the answer: the server's clock
	 */
	public InfisicalApiException(String description, int statusCode, @Nullable String error, String serverMessage,
			@Nullable String reqId, @Nullable Duration retryAfter, @Nullable Instant serverDate) {
		super(format(description, statusCode, error, serverMessage, reqId));
		this.statusCode = statusCode;
		this.error = error;
		this.serverMessage = serverMessage;
		this.reqId = reqId;
		this.retryAfter = retryAfter;
		this.serverDate = serverDate;
	}

	private static String format(String description, int statusCode, @Nullable String error, String serverMessage,
			@Nullable String reqId) {
		StringBuilder message = new StringBuilder(description).append(" failed: HTTP ").append(statusCode);
		if (error != null) {
			message.append(' ').append(error);
		}
		message.append(": ").append(serverMessage);
		if (reqId != null) {
			message.append(" (reqId ").append(reqId).append(')');
		}
		return message.toString();
	}

	/**
	 * Return the HTTP status code.
	 * @return the status code
	 */
	public int getStatusCode() {
		return this.statusCode;
	}

	/**
	 * Return the {@code error} field of the answer, for example {@code TokenError}.
	 * @return the error or {@code null}
	 */
	public @Nullable String getError() {
		return this.error;
	}

	/**
	 * Return the {@code message} field of the answer.
	 * @return the server's message
	 */
	public String getServerMessage() {
		return this.serverMessage;
	}

	/**
	 * Return the {@code reqId} field of the answer (servers before 2025 send none).
	 * @return the request id or {@code null}
	 */
	public @Nullable String getReqId() {
		return this.reqId;
	}

	/**
	 * Return how long the server asked to wait before trying again (HTTP 429).
	 * @return the wait or {@code null}
	 */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

	/**
	 * Return the {@code Date} header of the answer: the time on the server's clock, the
	 * one clue about a skewed local clock.
	 * @return the server's time or {@code null}
	 */
	public @Nullable Instant getServerDate() {
		return this.serverDate;
	}

	/**
	 * Whether the server rejected the access token itself: HTTP 401, or 403 with error
	 * {@code TokenError}. Logging in again and retrying once may succeed.
	 * @return {@code true} if the token was rejected
	 */
	public boolean isTokenRejected() {
		return this.statusCode == 401 || (this.statusCode == 403 && "TokenError".equals(this.error));
	}

	@Override
	public boolean isTransient() {
		return this.statusCode >= 500 || this.statusCode == 429;
	}

}
