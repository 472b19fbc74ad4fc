package io.github.infisicalawsauth.autoconfigure;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Credentials of an IAM role assumed with STS ({@code infisical.aws-auth.role-arn}). The
 * STS client is built on first use, so that its region is resolved when a login needs it
 * rather than at startup. Only loaded when the AWS SDK's {@code sts} module is present.
 *
 * @author Infisical AWS Auth contributors
 */
final class AssumedRoleCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {

	private final AwsCredentialsProvider base;

	private final String roleArn;

	private final String sessionName;

	private final AwsRegionProvider regionProvider;

	private @Nullable StsClient sts;

	private @Nullable StsAssumeRoleCredentialsProvider provider;

	AssumedRoleCredentialsProvider(AwsCredentialsProvider base, String roleArn, String sessionName,
			AwsRegionProvider regionProvider) {
		this.base = base;
		this.roleArn = roleArn;
		this.sessionName = sessionName;
		this.regionProvider = regionProvider;
	}

	@Override
	public synchronized AwsCredentials resolveCredentials() {
		StsAssumeRoleCredentialsProvider provider = this.provider;
		if (provider == null) {
			// the regional endpoint of the region that signs the login (or the
			// aws.endpointUrlSts override)
			StsClient sts = StsClient.builder()
				.region(this.regionProvider.getRegion())
				.credentialsProvider(this.base)
				.build();
			this.sts = sts;
			provider = StsAssumeRoleCredentialsProvider.builder()
				.stsClient(sts)
				.refreshRequest((request) -> request.roleArn(this.roleArn).roleSessionName(this.sessionName))
				.build();
			this.provider = provider;
		}
		try {
			return provider.resolveCredentials();
		}
		catch (SdkException ex) {
			// say which role, or "no credentials" sends the user looking elsewhere
			throw SdkClientException.builder()
				.message("Cannot assume role " + this.roleArn + " (infisical.aws-auth.role-arn) as session '"
						+ this.sessionName + "': " + ex.getMessage())
				.cause(ex)
				.build();
		}
	}

	@Override
	public synchronized void close() {
		if (this.provider != null) {
			this.provider.close();
		}
		if (this.sts != null) {
			this.sts.close();
		}
		if (this.base instanceof SdkAutoCloseable closeable) {
			closeable.close();
		}
	}

	@Override
	public String toString() {
		return "AssumedRoleCredentialsProvider[" + this.roleArn + "]";
	}

}
