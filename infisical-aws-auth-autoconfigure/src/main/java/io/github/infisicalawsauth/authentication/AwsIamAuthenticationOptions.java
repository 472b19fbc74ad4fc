package io.github.infisicalawsauth.authentication;

import java.time.Clock;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Immutable options of {@link AwsIamAuthentication}.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class AwsIamAuthenticationOptions {

	private final String identityId;

	private final @Nullable String organizationSlug;

	private final AwsCredentialsProvider credentialsProvider;

	private final boolean closeCredentialsProvider;

	private final AwsRegionProvider regionProvider;

	private final Clock clock;

	private final boolean verifyWithSts;

	private AwsIamAuthenticationOptions(Builder builder) {
		this.identityId = Objects.requireNonNull(builder.identityId, "'identityId' must not be empty");
		this.organizationSlug = builder.organizationSlug;
		this.closeCredentialsProvider = builder.credentialsProvider == null || builder.closeCredentialsProvider;
		this.credentialsProvider = (builder.credentialsProvider != null) ? builder.credentialsProvider
				: new DefaultChainCredentialsProvider();
		this.regionProvider = (builder.regionProvider != null) ? builder.regionProvider
				: new DefaultAwsRegionProviderChain();
		this.clock = builder.clock;
		this.verifyWithSts = builder.verifyWithSts;
	}

	/**
	 * Start building options.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the machine identity id.
	 * @return the identity id
	 */
	public String getIdentityId() {
		return this.identityId;
	}

	/**
	 * Return the sub-organization to scope the login to.
	 * @return the slug or {@code null}
	 */
	public @Nullable String getOrganizationSlug() {
		return this.organizationSlug;
	}

	/**
	 * Return where AWS credentials come from; asked afresh for every login.
	 * @return the credentials provider
	 */
	public AwsCredentialsProvider getCredentialsProvider() {
		return this.credentialsProvider;
	}

	boolean isCloseCredentialsProvider() {
		return this.closeCredentialsProvider;
	}

	/**
	 * Return where the AWS region comes from.
	 * @return the region provider
	 */
	public AwsRegionProvider getRegionProvider() {
		return this.regionProvider;
	}

	/**
	 * Return the clock used for signing.
	 * @return the clock
	 */
	public Clock getClock() {
		return this.clock;
	}

	/**
	 * Whether a login that AWS STS refuses is checked by asking STS directly from this
	 * host, to tell bad credentials from a server that cannot reach STS.
	 * @return {@code true} to ask STS
	 */
	public boolean isVerifyWithSts() {
		return this.verifyWithSts;
	}

	/**
	 * Builder of {@link AwsIamAuthenticationOptions}.
	 */
	public static final class Builder {

		private @Nullable String identityId;

		private @Nullable String organizationSlug;

		private @Nullable AwsCredentialsProvider credentialsProvider;

		private @Nullable AwsRegionProvider regionProvider;

		private Clock clock = Clock.systemUTC();

		private boolean closeCredentialsProvider;

		private boolean verifyWithSts;

		private Builder() {
		}

		/**
		 * Set whether a login that AWS STS refuses is checked by asking STS directly from
		 * this host ({@code GetCallerIdentity} with the same credentials, at most once a
		 * minute and for a few seconds; needs the AWS SDK's {@code sts} module). Default:
		 * {@code false}.
		 * @param verifyWithSts whether to ask STS
		 * @return this builder
		 */
		public Builder verifyWithSts(boolean verifyWithSts) {
			this.verifyWithSts = verifyWithSts;
			return this;
		}

		/**
		 * Set the machine identity id.
		 * @param identityId the identity id, not empty
		 * @return this builder
		 */
		public Builder identityId(String identityId) {
			if (identityId == null || identityId.isBlank()) {
				throw new IllegalArgumentException("'identityId' must not be empty");
			}
			this.identityId = identityId.trim();
			return this;
		}

		/**
		 * Scope the login to a sub-organization.
		 * @param organizationSlug the slug (1 to 64 characters), or {@code null} for none
		 * @return this builder
		 */
		public Builder organizationSlug(@Nullable String organizationSlug) {
			if (organizationSlug != null && (organizationSlug.isBlank() || organizationSlug.length() > 64)) {
				throw new IllegalArgumentException("'organizationSlug' must be 1 to 64 characters");
			}
			this.organizationSlug = organizationSlug;
			return this;
		}

		/**
		 * Set where AWS credentials come from. Default: the AWS SDK's default chain.
		 * @param credentialsProvider the provider
		 * @return this builder
		 */
		public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
			this.credentialsProvider = Objects.requireNonNull(credentialsProvider,
					"'credentialsProvider' must not be null");
			return this;
		}

		/**
		 * Set whether closing the {@link AwsIamAuthentication} also closes the
		 * credentials provider set with {@link #credentialsProvider}, because it was
		 * created for it. The default chain created when none is set is always closed.
		 * @param closeCredentialsProvider whether to close the credentials provider
		 * @return this builder
		 */
		public Builder closeCredentialsProvider(boolean closeCredentialsProvider) {
			this.closeCredentialsProvider = closeCredentialsProvider;
			return this;
		}

		/**
		 * Set where the AWS region comes from. Default: the AWS SDK's region chain.
		 * @param regionProvider the provider
		 * @return this builder
		 */
		public Builder regionProvider(AwsRegionProvider regionProvider) {
			this.regionProvider = Objects.requireNonNull(regionProvider, "'regionProvider' must not be null");
			return this;
		}

		/**
		 * Set the clock used for signing. Default: the system clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
			return this;
		}

		/**
		 * Build the options.
		 * @return the options
		 */
		public AwsIamAuthenticationOptions build() {
			if (this.identityId == null) {
				throw new IllegalArgumentException("'identityId' must not be empty");
			}
			return new AwsIamAuthenticationOptions(this);
		}

	}

}
