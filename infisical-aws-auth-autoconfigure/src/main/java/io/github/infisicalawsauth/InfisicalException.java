package io.github.infisicalawsauth;

import org.jspecify.annotations.Nullable;

/**
 * Root of the exceptions thrown when talking to Infisical. Messages never contain tokens,
 * AWS secrets, signatures or secret values.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalException extends RuntimeException {

	/**
	 * Create a new exception.
	 * @param message the detail message
	 */
	public InfisicalException(String message) {
		super(message);
	}

	/**
	 * Create a new exception.
	 * @param message the detail message
	 * @param cause the cause
	 */
	public InfisicalException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/**
	 * Whether trying again later may succeed: network failures, HTTP 5xx and 429.
	 * @return {@code true} for a transient failure
	 */
	public boolean isTransient() {
		return false;
	}

}
