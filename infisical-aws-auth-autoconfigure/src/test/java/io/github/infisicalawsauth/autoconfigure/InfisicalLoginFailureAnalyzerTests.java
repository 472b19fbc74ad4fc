package io.github.infisicalawsauth.autoconfigure;

import javax.net.ssl.SSLHandshakeException;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalConnectionException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalLoginFailureAnalyzer}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalLoginFailureAnalyzerTests {

	private final InfisicalLoginFailureAnalyzer analyzer = new InfisicalLoginFailureAnalyzer();

	@Test
	void identityWithoutAwsAuth() {
		FailureAnalysis analysis = analyze(
				api(404, "NotFound", "AWS auth method not found for identity, did you configure AWS auth?", "req-abc"));
		assertThat(analysis.getDescription()).contains("Cannot log in to Infisical with AWS IAM")
			.contains("AWS auth method not found for identity")
			.contains("req-abc");
		assertThat(analysis.getAction()).contains("infisical.aws-auth.identity-id");
	}

	@Test
	void unknownOrganization() {
		FailureAnalysis analysis = analyze(api(404, "NotFound", "Sub organization with slug acme not found", null));
		assertThat(analysis.getAction()).contains("infisical.organization-slug");
	}

	@Test
	void principalNotAllowed() {
		FailureAnalysis analysis = analyze(api(401, "UnauthorizedError",
				"Access denied: AWS principal ARN not allowed. [principal-arn=arn:aws:iam::1:role/x]", "req-1"));
		assertThat(analysis.getDescription()).contains("Access denied: AWS principal ARN not allowed.")
			.contains("req-1");
		assertThat(analysis.getAction()).contains("principal ARN").contains("infisical.aws-auth.identity-id");
	}

	@Test
	void noCredentials() {
		FailureAnalysis analysis = analyze(InfisicalLoginException.of(Reason.NO_CREDENTIALS,
				"no AWS credentials found (Unable to load credentials)", null));
		assertThat(analysis.getAction()).contains("AWS credentials").contains("AwsCredentialsProvider");
	}

	@Test
	void noRegion() {
		// the action comes from the reason, whatever the message says
		FailureAnalysis analysis = analyze(InfisicalLoginException.of(Reason.NO_REGION, "something else", null));
		assertThat(analysis.getAction()).contains("infisical.aws-auth.region").contains("AWS_REGION");
	}

	@Test
	void unreachable() {
		FailureAnalysis analysis = analyze(InfisicalLoginException.create(new InfisicalConnectionException(
				"POST /api/v1/auth/aws-auth/login failed: cannot reach Infisical at https://x/api",
				new java.net.ConnectException())));
		assertThat(analysis.getDescription()).contains("cannot reach Infisical");
		assertThat(analysis.getAction()).contains("infisical.site-url");
	}

	@Test
	void tlsHandshakeFailure() {
		FailureAnalysis analysis = analyze(InfisicalLoginException.create(new InfisicalConnectionException(
				"POST /api/v1/auth/aws-auth/login failed: cannot reach Infisical at https://x/api",
				new SSLHandshakeException("PKIX path building failed"))));
		assertThat(analysis.getAction()).contains("infisical.ssl.bundle");
	}

	@Test
	void serverErrorOtherThanTheStsRefusal() {
		FailureAnalysis analysis = analyze(api(503, "Service Unavailable", "Service Unavailable", null));
		assertThat(analysis.getAction()).contains("Infisical is failing").doesNotContain("AWS STS");
	}

	@Test
	void stsRejected() {
		FailureAnalysis analysis = analyze(api(500, "InternalServerError", "Something went wrong", null));
		assertThat(analysis.getAction()).contains("AWS credentials");
	}

	private FailureAnalysis analyze(InfisicalLoginException ex) {
		return this.analyzer.analyze(new BeanCreationException("infisicalTokenProvider", "failed", ex));
	}

	private static InfisicalLoginException api(int status, String error, String message, String reqId) {
		return InfisicalLoginException
			.create(new InfisicalApiException("POST /api/v1/auth/aws-auth/login", status, error, message, reqId, null));
	}

}
