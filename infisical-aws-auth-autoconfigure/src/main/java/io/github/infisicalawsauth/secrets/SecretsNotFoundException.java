package io.github.infisicalawsauth.secrets;

import io.github.infisicalawsauth.InfisicalApiException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when Infisical has no such environment, folder or secret (HTTP 404 other than a
 * missing route). An optional {@code spring.config.import} treats it as "no secrets
 * here"; a required one fails.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class SecretsNotFoundException extends InfisicalApiException {

	/**
	 * Create a new exception.
	 * @param description what was being read, naming project, environment and path
	 * @param error the {@code error} field of the body, if any
	 * @param serverMessage the server's message
	 * @param reqId the request id, if any
	 */
	public SecretsNotFoundException(String description, @Nullable String error, String serverMessage,
			@Nullable String reqId) {
		super(description, 404, error, serverMessage, reqId, null);
	}

}
