package io.github.infisicalawsauth.autoconfigure.config;

import io.github.infisicalawsauth.InfisicalException;

/**
 * Thrown when a required {@code infisical:} import cannot be loaded.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalImportException extends InfisicalException {

	InfisicalImportException(String message, InfisicalException cause) {
		super(message, cause);
	}

	@Override
	public boolean isTransient() {
		return getCause() instanceof InfisicalException cause && cause.isTransient();
	}

}
