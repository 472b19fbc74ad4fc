package io.github.infisicalawsauth.test;

/**
 * Generation of the Infisical server that an {@link InfisicalTestServer} behaves like.
 * Self-hosted servers lag behind Infisical Cloud, so clients must cope with both.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public enum Generation {

	/**
	 * A current server, as Infisical Cloud runs it: {@code /api/v4/secrets}, request ids
	 * in error bodies, 422 validation failures, a login JWT whose {@code exp} is its
	 * issue time plus the TTL, a new JWT on every renewal, STS host picked from the
	 * credential scope region, event subscriptions and webhook notices that name the
	 * project, environment and author of the change.
	 */
	CURRENT,

	/**
	 * An October 2024 self-hosted server: no {@code /api/v4} routes, no request ids,
	 * validation failures as 401, a login JWT whose {@code exp} is its issue time plus
	 * the max TTL, renewal in place (same token string), the STS host taken from the
	 * {@code Host} header, a token deleted when renewed past its max TTL, and no event
	 * subscriptions (webhooks only).
	 */
	V2024;

	boolean sendsRequestId() {
		return this == CURRENT;
	}

	int validationFailureStatus() {
		return (this == CURRENT) ? 422 : 401;
	}

	boolean hasV4Routes() {
		return this == CURRENT;
	}

	boolean renewIssuesNewToken() {
		return this == CURRENT;
	}

	boolean deletesTokenRenewedPastMaxTtl() {
		return this == V2024;
	}

	boolean capsTokenLifetime() {
		return this == CURRENT;
	}

	/**
	 * Whether the login JWT's {@code exp} is its issue time plus the TTL (current
	 * servers) rather than plus the max TTL (the 2024 server).
	 */
	boolean signsLoginJwtWithTtl() {
		return this == CURRENT;
	}

	boolean answersStsRejectionWithServerError() {
		return this == V2024;
	}

	boolean takesStsHostFromHostHeader() {
		return this == V2024;
	}

	boolean supportsSubOrganizations() {
		return this == CURRENT;
	}

	boolean hasEventSubscriptions() {
		return this == CURRENT;
	}

	boolean hidesSecretValues() {
		return this == CURRENT;
	}

	boolean reportsMissingFolder() {
		return this == CURRENT;
	}

	String usesLimitReachedMessage() {
		return (this == CURRENT) ? "Identity access token usage limit reached"
				: "Unable to renew because access token number of uses limit reached";
	}

}
