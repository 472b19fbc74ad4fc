package io.github.infisicalawsauth;

/**
 * Provides a valid Infisical access token for the life of the application.
 * <p>
 * The default implementation logs in with AWS IAM at startup, renews or logs in again in
 * the background before the token expires, and serves the held token without locking
 * while it is valid.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@FunctionalInterface
public interface InfisicalTokenProvider {

	/**
	 * Return a valid access token, logging in first if none is held.
	 * @return a token that has not expired
	 * @throws InfisicalException if no token can be obtained
	 */
	InfisicalAccessToken getToken();

	/**
	 * Report that Infisical rejected the given token (HTTP 401, or 403 with error
	 * {@code TokenError}) so that the next {@link #getToken()} logs in again. A token
	 * other than the one currently held is ignored, so that several callers reporting the
	 * same rejection cause a single login.
	 * @param token the token the server rejected
	 */
	default void tokenRejected(InfisicalAccessToken token) {
	}

}
