package io.github.infisicalawsauth.authentication;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Asks AWS STS directly, from this host, who the given credentials belong to: an answer
 * tells bad credentials from an Infisical server that cannot reach STS. Only loaded when
 * the AWS SDK's {@code sts} module is present.
 *
 * @author Infisical AWS Auth contributors
 */
final class StsCallerCheck {

	private StsCallerCheck() {
	}

	/**
	 * Call {@code GetCallerIdentity} once, without retries.
	 * @param credentials the credentials that signed the refused login
	 * @param region the region of the STS endpoint
	 * @param timeout the longest the call may take
	 * @return what STS answered
	 */
	static Result check(AwsCredentials credentials, String region, Duration timeout) {
		try (StsClient sts = StsClient.builder()
			.region(Region.of(region))
			.credentialsProvider(StaticCredentialsProvider.create(credentials))
			.overrideConfiguration((configuration) -> configuration.apiCallTimeout(timeout)
				.retryStrategy(AwsRetryStrategy.doNotRetry()))
			.build()) {
			return new Result(Outcome.ACCEPTED, sts.getCallerIdentity().arn(), null);
		}
		catch (StsException ex) {
			String code = (ex.awsErrorDetails() != null) ? ex.awsErrorDetails().errorCode() : null;
			String message = (ex.awsErrorDetails() != null) ? ex.awsErrorDetails().errorMessage() : null;
			return new Result(Outcome.REFUSED, code, firstLine(message));
		}
		catch (SdkException ex) {
			// no AWS from here: the check cannot tell
			return new Result(Outcome.UNREACHABLE, null, ex.getClass().getSimpleName());
		}
	}

	/**
	 * Return the first line of an AWS error message, at most 300 characters: AWS may add
	 * the canonical request it expected, whose signed headers hold the session token.
	 * @param message the message
	 * @return its first line, or {@code null}
	 */
	static @Nullable String firstLine(@Nullable String message) {
		if (message == null) {
			return null;
		}
		int end = message.indexOf('\n');
		String line = ((end >= 0) ? message.substring(0, end) : message).strip();
		return (line.length() > 300) ? line.substring(0, 300) + "..." : line;
	}

	enum Outcome {

		ACCEPTED, REFUSED, UNREACHABLE

	}

	/**
	 * What STS answered.
	 *
	 * @param outcome accepted, refused or not reached
	 * @param detail the caller ARN when accepted, the error code when refused
	 * @param message the error message when refused, the failure when not reached
	 */
	record Result(Outcome outcome, @Nullable String detail, @Nullable String message) {

		boolean isClockError() {
			String text = String.valueOf(this.message);
			return "RequestExpired".equals(this.detail) || text.contains("Signature expired")
					|| text.contains("Signature not yet current") || text.contains("clock");
		}

	}

}
