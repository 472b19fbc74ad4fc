package io.github.infisicalawsauth.authentication;

import java.util.List;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The AWS SDK's default credentials chain, built only when the JVM's system properties
 * and the environment variables hold no credentials. Those two are the first links of
 * {@link DefaultCredentialsProvider}'s chain, in that order, so the credentials are the
 * same; building the rest of the chain (web identity, profile file, container and
 * instance metadata providers) costs some 0.1 s of CPU at startup, which applications
 * that get their credentials from the environment (AWS Lambda, CI, local runs) need not
 * pay.
 *
 * @author Infisical AWS Auth contributors
 */
final class DefaultChainCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {

	private final List<AwsCredentialsProvider> first = List.of(SystemPropertyCredentialsProvider.create(),
			EnvironmentVariableCredentialsProvider.create());

	private final Object lock = new Object();

	private volatile @Nullable DefaultCredentialsProvider wholeChain;

	private boolean closed;

	@Override
	public AwsCredentials resolveCredentials() {
		DefaultCredentialsProvider whole = this.wholeChain;
		if (whole == null) {
			for (AwsCredentialsProvider provider : this.first) {
				try {
					return provider.resolveCredentials();
				}
				catch (SdkClientException ex) {
					// not there: the next link, as in the SDK's chain
				}
			}
			whole = wholeChain();
		}
		// from now on the SDK's own chain, which looks at both again first
		return whole.resolveCredentials();
	}

	private DefaultCredentialsProvider wholeChain() {
		synchronized (this.lock) {
			DefaultCredentialsProvider whole = this.wholeChain;
			if (whole == null) {
				if (this.closed) {
					throw new IllegalStateException("The AWS credentials provider is closed");
				}
				whole = DefaultCredentialsProvider.builder().build();
				this.wholeChain = whole;
			}
			return whole;
		}
	}

	/**
	 * Return whether the SDK's whole chain has been built, for tests.
	 * @return whether it has
	 */
	boolean isWholeChainBuilt() {
		return this.wholeChain != null;
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			DefaultCredentialsProvider whole = this.wholeChain;
			if (whole != null) {
				whole.close();
			}
		}
	}

	@Override
	public String toString() {
		return "DefaultCredentialsProvider";
	}

}
