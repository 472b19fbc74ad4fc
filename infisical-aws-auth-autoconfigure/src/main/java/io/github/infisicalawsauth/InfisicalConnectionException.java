package io.github.infisicalawsauth;

/**
 * Thrown when Infisical cannot be reached or does not answer in time. Always transient.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConnectionException extends InfisicalException {

	/**
	 * Create a new exception.
	 * @param message the detail message
	 * @param cause the I/O failure
	 */
	public InfisicalConnectionException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public boolean isTransient() {
		return true;
	}

}
