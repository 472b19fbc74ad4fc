package io.github.infisicalawsauth.autoconfigure;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.ClassUtils;

/**
 * Builds the AWS credentials provider that {@code infisical.aws-auth.profile} and
 * {@code infisical.aws-auth.role-arn} describe, so that config data loading and the beans
 * sign with the same identity without code.
 *
 * @author Infisical AWS Auth contributors
 */
final class AwsCredentialsFactory {

	private static final boolean STS_PRESENT = ClassUtils.isPresent("software.amazon.awssdk.services.sts.StsClient",
			AwsCredentialsFactory.class.getClassLoader());

	private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/.+");

	private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

	private AwsCredentialsFactory() {
	}

	/**
	 * Check the properties and describe the credentials they configure.
	 * @param awsAuth the properties
	 * @return the description, for example {@code AWS profile 'ops'}, or {@code null}
	 * when they configure none
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 */
	static @Nullable String describe(InfisicalProperties.AwsAuth awsAuth) {
		String profile = trimmed(awsAuth.getProfile());
		String roleArn = trimmed(awsAuth.getRoleArn());
		if (roleArn != null) {
			checkRole(roleArn, awsAuth.getRoleSessionName());
			return "role " + roleArn + " assumed with "
					+ ((profile != null) ? "AWS profile '" + profile + "'" : "the AWS SDK default credentials chain");
		}
		return (profile != null) ? "AWS profile '" + profile + "'" : null;
	}

	/**
	 * Create the provider the properties configure.
	 * @param awsAuth the properties
	 * @param regionProvider where the region of the STS endpoint comes from, for a role
	 * @return the provider, to be closed by the caller, or {@code null} when the
	 * properties configure none
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 */
	static @Nullable AwsCredentialsProvider create(InfisicalProperties.AwsAuth awsAuth,
			AwsRegionProvider regionProvider) {
		if (describe(awsAuth) == null) {
			return null;
		}
		String profile = trimmed(awsAuth.getProfile());
		String roleArn = trimmed(awsAuth.getRoleArn());
		AwsCredentialsProvider base = (profile != null)
				? ProfileCredentialsProvider.builder().profileName(profile).build()
				: DefaultCredentialsProvider.builder().build();
		if (roleArn == null) {
			return base;
		}
		return new AssumedRoleCredentialsProvider(base, roleArn, awsAuth.getRoleSessionName().trim(), regionProvider);
	}

	private static void checkRole(String roleArn, @Nullable String sessionName) {
		if (!ROLE_ARN.matcher(roleArn).matches()) {
			throw new InvalidConfigurationPropertyValueException("infisical.aws-auth.role-arn", roleArn,
					"not an IAM role ARN such as arn:aws:iam::123456789012:role/my-role");
		}
		if (sessionName == null || !SESSION_NAME.matcher(sessionName.trim()).matches()) {
			throw new InvalidConfigurationPropertyValueException("infisical.aws-auth.role-session-name", sessionName,
					"a role session name is 2 to 64 letters, digits or +=,.@-_");
		}
		if (!STS_PRESENT) {
			throw new InvalidConfigurationPropertyValueException("infisical.aws-auth.role-arn", roleArn,
					"assuming a role needs software.amazon.awssdk:sts on the classpath (the starter brings it)");
		}
	}

	private static @Nullable String trimmed(@Nullable String value) {
		return (value != null && !value.isBlank()) ? value.trim() : null;
	}

}
