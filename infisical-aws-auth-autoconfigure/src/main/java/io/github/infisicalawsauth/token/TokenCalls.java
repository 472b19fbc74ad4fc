package io.github.infisicalawsauth.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import io.github.infisicalawsauth.authentication.InfisicalAuthentication;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalObservations;
import io.github.infisicalawsauth.client.TokenResponse;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The calls a token provider makes to Infisical (login, renew, revoke), each observed.
 *
 * @author Infisical AWS Auth contributors
 */
final class TokenCalls {

	static final String RENEW_PATH = "/v1/auth/token/renew";

	static final String REVOKE_PATH = "/v1/auth/token/revoke";

	// the token calls cannot tell the generation; only secrets reads learn it
	private static final Supplier<String> GENERATION = () -> "unknown";

	private static final Log logger = LogFactory.getLog(TokenCalls.class);

	private final InfisicalAuthentication authentication;

	private final InfisicalHttpClient client;

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	TokenCalls(InfisicalAuthentication authentication, InfisicalHttpClient client) {
		this.authentication = authentication;
		this.client = client;
	}

	void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	String site() {
		return this.client.getSiteUrl().toString();
	}

	/**
	 * Refresh a token, or get the first: renew it while the policy says so, falling back
	 * to a login when the renewal fails.
	 * @param held the held token, or {@code null}
	 * @param now when the attempt started
	 * @param policy the refresh policy
	 * @param clock the clock that dates the answer
	 * @return the new token
	 * @throws InfisicalLoginException if the login fails
	 */
	Obtained obtain(@Nullable TokenLifetime held, Instant now, TokenRefreshPolicy policy, Clock clock) {
		if (held != null && policy.shouldRenew(held, now)) {
			try {
				TokenResponse renewed = renew(held.token().value());
				return new Obtained(policy.afterRenewal(held, renewed, clock.instant()), true);
			}
			catch (RuntimeException ex) {
				logger.info("Renewing the Infisical access token failed; logging in again: " + ex.getMessage());
			}
		}
		TokenResponse response = login();
		return new Obtained(policy.afterLogin(response, clock.instant()), false);
	}

	/**
	 * Log in once.
	 * @return the answer
	 * @throws InfisicalLoginException if the login fails
	 */
	TokenResponse login() {
		try {
			return InfisicalObservations.observe(this.observationRegistry, "login", GENERATION, (answer) -> 200,
					this.authentication::login);
		}
		catch (InfisicalLoginException ex) {
			throw ex;
		}
		catch (InfisicalException ex) {
			throw InfisicalLoginException.create(ex);
		}
		catch (RuntimeException ex) {
			throw new InfisicalLoginException(Reason.UNEXPECTED_ANSWER,
					"Cannot log in to Infisical with AWS IAM: " + ex, ex, true);
		}
	}

	/**
	 * Renew a token.
	 * @param token the token
	 * @return the answer, holding the token to use from now on
	 * @throws InfisicalException if the renewal fails
	 */
	TokenResponse renew(String token) {
		TokenResponse response = InfisicalObservations.observe(this.observationRegistry, "token.renew", GENERATION,
				(answer) -> 200, () -> this.client.post(RENEW_PATH, Map.of("accessToken", token),
						(parser, head) -> TokenResponse.read(parser)));
		if (response.accessToken() == null || response.accessToken().isBlank()) {
			throw new InfisicalException("The answer of POST /api" + RENEW_PATH + " has no accessToken");
		}
		return response;
	}

	/**
	 * Revoke a token, logging the outcome.
	 * @param token the token
	 */
	void revoke(String token) {
		try {
			InfisicalObservations.observe(this.observationRegistry, "token.revoke", GENERATION, (answer) -> 200,
					() -> this.client.post(REVOKE_PATH, Map.of("accessToken", token), (parser, head) -> {
						parser.nextToken();
						parser.skipChildren();
						return head;
					}));
			logger.info("Revoked the Infisical access token");
		}
		catch (InfisicalException ex) {
			logger.warn("Could not revoke the Infisical access token: " + ex.getMessage());
		}
	}

	/**
	 * A token obtained and how.
	 *
	 * @param lifetime the token
	 * @param renewed whether it was renewed rather than obtained by a login
	 */
	record Obtained(TokenLifetime lifetime, boolean renewed) {

	}

	/**
	 * Close the authentication if it holds resources (credentials providers).
	 */
	void close() {
		if (this.authentication instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.debug("Closing " + closeable + " failed", ex);
			}
		}
	}

}
