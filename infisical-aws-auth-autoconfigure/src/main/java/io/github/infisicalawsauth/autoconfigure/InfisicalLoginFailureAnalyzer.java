package io.github.infisicalawsauth.autoconfigure;

import io.github.infisicalawsauth.InfisicalLoginException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a failed Infisical login at startup and names what to change.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalLoginFailureAnalyzer extends AbstractFailureAnalyzer<InfisicalLoginException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InfisicalLoginException cause) {
		return new FailureAnalysis(cause.getMessage(), action(cause), cause);
	}

	private String action(InfisicalLoginException cause) {
		return switch (cause.getReason()) {
			case NO_REGION ->
				"Set infisical.aws-auth.region (for example us-east-1), or the AWS_REGION environment " + "variable.";
			case INVALID_REGION -> "Set infisical.aws-auth.region to a region of the standard AWS partition.";
			case NO_CREDENTIALS -> "Give the application AWS credentials: an IAM role (EC2 instance profile, ECS task "
					+ "role, EKS IRSA or Pod Identity), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an AWS profile "
					+ "(infisical.aws-auth.profile), or an AwsCredentialsProvider bean. With "
					+ "infisical.aws-auth.role-arn, the base credentials must be allowed sts:AssumeRole on that role "
					+ "and the role must trust them.";
			case STS_REJECTED -> "AWS STS refused the signed login request. Check, in this order, the AWS credentials "
					+ "('aws sts get-caller-identity' with the same credentials; infisical.aws-auth.profile, "
					+ "infisical.aws-auth.role-arn), that the Infisical server can reach sts.<region>.amazonaws.com "
					+ "(infisical.aws-auth.region), and this host's clock ('timedatectl status').";
			case CLOCK_SKEW -> "Synchronise this host's clock (NTP or chrony; check with 'timedatectl status' or "
					+ "'chronyc tracking'): AWS STS refuses requests signed more than 15 minutes off.";
			case CREDENTIALS_REJECTED -> "Fix the AWS credentials that sign the login: check them with "
					+ "'aws sts get-caller-identity', rotate a wrong secret key, refresh expired session credentials, "
					+ "or point infisical.aws-auth.profile or infisical.aws-auth.role-arn at valid ones.";
			case STS_UNREACHABLE -> "Let the Infisical server reach sts.<region>.amazonaws.com (its proxy, firewall "
					+ "or DNS), or set infisical.aws-auth.region to a region whose STS endpoint it can reach.";
			case IDENTITY_NOT_FOUND -> "Check infisical.aws-auth.identity-id, and that AWS auth is configured on that "
					+ "machine identity in Infisical (Access Control > Machine Identities > Authentication).";
			case ORGANIZATION_NOT_FOUND ->
				"Check infisical.organization-slug: the identity must belong to that sub-organization.";
			case NOT_ALLOWED -> "Allow this AWS account or principal ARN in the AWS auth settings of machine identity "
					+ "infisical.aws-auth.identity-id in Infisical, or run the application with an allowed role.";
			case INVALID_REQUEST ->
				"Check infisical.aws-auth.region and the AWS credentials; the server refused the signed request.";
			case SITE_UNREACHABLE -> "Check that infisical.site-url is right and that Infisical is reachable from this "
					+ "host (infisical.connect-timeout, infisical.read-timeout); tune infisical.retry.* or set "
					+ "infisical.token.fail-fast=false to start without Infisical.";
			case TLS -> "Check infisical.site-url and, for a server with a private CA, infisical.ssl.bundle.";
			case RATE_LIMITED -> "Infisical is rate limiting logins from this address; tune infisical.retry.* or "
					+ "start fewer instances at once.";
			case SERVER_ERROR -> "Infisical is failing; check the server, or tune infisical.retry.*.";
			case UNEXPECTED_ANSWER -> "Check infisical.site-url: the answer did not come from an Infisical API.";
			case INTERRUPTED -> "The application was stopped while it waited to log in again.";
		};
	}

}
