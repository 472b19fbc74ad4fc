package io.github.infisicalawsauth;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when logging in to Infisical with AWS IAM fails.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalLoginException extends InfisicalException {

	private final boolean transientFailure;

	/**
	 * Create a new exception.
	 * @param message the detail message
	 * @param cause the cause
	 * @param transientFailure whether trying again later may succeed
	 */
	public InfisicalLoginException(String message, @Nullable Throwable cause, boolean transientFailure) {
		super(message, cause);
		this.transientFailure = transientFailure;
	}

	/**
	 * Create an exception for a failure of the login call itself, quoting the server's
	 * message and request id.
	 * @param cause the failure
	 * @return the login exception
	 */
	public static InfisicalLoginException create(InfisicalException cause) {
		String detail = (cause instanceof InfisicalApiException api) ? describe(api) : cause.getMessage();
		return new InfisicalLoginException("Cannot log in to Infisical with AWS IAM: " + detail, cause,
				cause.isTransient());
	}

	private static String describe(InfisicalApiException api) {
		StringBuilder message = new StringBuilder(api.getServerMessage()).append(" (HTTP ").append(api.getStatusCode());
		if (api.getReqId() != null) {
			message.append(", reqId ").append(api.getReqId());
		}
		return message.append(')').toString();
	}

	/**
	 * Return the error answer of the login call, if the server answered with one.
	 * @return the API exception or {@code null}
	 */
	public @Nullable InfisicalApiException getApiException() {
		return (getCause() instanceof InfisicalApiException api) ? api : null;
	}

	@Override
	public boolean isTransient() {
		return this.transientFailure;
	}

}
