package io.github.infisicalawsauth.authentication;

import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.client.TokenResponse;

/**
 * A way to log in to Infisical. Each call performs one fresh login attempt.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 * @see AwsIamAuthentication
 */
@FunctionalInterface
public interface InfisicalAuthentication {

	/**
	 * Log in once.
	 * @return the login answer
	 * @throws InfisicalLoginException if the login fails; see
	 * {@link InfisicalLoginException#isTransient()}
	 */
	TokenResponse login();

}
