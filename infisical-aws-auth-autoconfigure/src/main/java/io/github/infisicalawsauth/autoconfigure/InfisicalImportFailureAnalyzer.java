package io.github.infisicalawsauth.autoconfigure;

import io.github.infisicalawsauth.InfisicalImportException;
import io.github.infisicalawsauth.InfisicalLoginException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a required {@code infisical:} import that failed at startup. A failed login is
 * left to the login failure analyzer, which names the login settings.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalImportFailureAnalyzer extends AbstractFailureAnalyzer<InfisicalImportException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InfisicalImportException cause) {
		if (findCause(cause, InfisicalLoginException.class) != null) {
			return null;
		}
		return new FailureAnalysis(cause.getMessage(),
				"Check infisical.secrets.project-id, infisical.secrets.environment and the path and parameters of the "
						+ "import in spring.config.import, and that the machine identity may read that folder in "
						+ "Infisical; or mark the import 'optional:infisical:...' to start without it.",
				cause);
	}

}
