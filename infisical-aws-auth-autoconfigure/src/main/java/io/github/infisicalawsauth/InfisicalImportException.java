package io.github.infisicalawsauth;

/**
 * Thrown when a required {@code infisical:} import ({@code spring.config.import}) cannot
 * be loaded. Its message names the location and the import; its cause is what Infisical
 * answered, or why it could not be asked.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalImportException extends InfisicalException {

	/**
	 * Create a new exception.
	 * @param message the detail message, holding no secret value
	 * @param cause the failure of the read or login
	 */
	public InfisicalImportException(String message, InfisicalException cause) {
		super(message, cause);
	}

	@Override
	public boolean isTransient() {
		return getCause() instanceof InfisicalException cause && cause.isTransient();
	}

}
