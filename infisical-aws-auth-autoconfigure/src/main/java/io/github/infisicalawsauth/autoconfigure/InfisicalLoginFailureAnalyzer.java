package io.github.infisicalawsauth.autoconfigure;

import io.github.infisicalawsauth.InfisicalApiException;
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
		InfisicalApiException api = cause.getApiException();
		String message = String.valueOf(cause.getMessage());
		if (api == null) {
			if (message.contains("no AWS region")) {
				return "Set infisical.aws-auth.region (for example us-east-1), or the AWS_REGION environment variable.";
			}
			if (message.contains("no AWS credentials")) {
				return "Give the application AWS credentials: an IAM role (EC2 instance profile, ECS task role, "
						+ "EKS IRSA or Pod Identity), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an AWS profile, "
						+ "or an AwsCredentialsProvider bean.";
			}
			if (message.contains("region")) {
				return "Set infisical.aws-auth.region to a region of the standard AWS partition.";
			}
			if (cause.isTransient()) {
				return "Check that infisical.site-url is right and that Infisical is reachable from this host; "
						+ "tune infisical.retry.* or set infisical.token.fail-fast=false to start without Infisical.";
			}
			return "Check infisical.site-url and the Infisical server.";
		}
		return switch (api.getStatusCode()) {
			case 404 -> (api.getServerMessage().contains("organization") || api.getServerMessage().contains("slug"))
					? "Check infisical.organization-slug: the identity must belong to that sub-organization."
					: "Check infisical.aws-auth.identity-id, and that AWS auth is configured on that machine "
							+ "identity in Infisical (Access Control > Machine Identities > Authentication).";
			case 401, 403 -> "Allow this AWS account or principal ARN in the AWS auth settings of machine identity "
					+ "infisical.aws-auth.identity-id in Infisical, or run the application with an allowed role.";
			case 400, 422 ->
				"Check infisical.aws-auth.region and the AWS credentials; the server refused the " + "signed request.";
			default -> api.isTransient()
					? "Infisical or AWS STS is failing or rate limiting; check the AWS credentials and the server, "
							+ "or tune infisical.retry.*."
					: "Check infisical.site-url and the Infisical server.";
		};
	}

}
