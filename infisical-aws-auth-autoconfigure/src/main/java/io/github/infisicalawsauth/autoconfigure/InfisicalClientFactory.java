package io.github.infisicalawsauth.autoconfigure;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLParameters;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.authentication.AwsIamAuthentication;
import io.github.infisicalawsauth.authentication.AwsIamAuthenticationOptions;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.InfisicalSiteUrl;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.token.LifecycleAwareTokenProvider;
import io.github.infisicalawsauth.token.TokenRefreshPolicy;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link InfisicalProperties} into the HTTP client and token provider, checking
 * every property first so that a mistake is reported by name before anything starts. Used
 * by the auto-configuration and by config data loading, which runs before any bean
 * exists.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalClientFactory {

	private static final int SECRET_READ_ATTEMPTS = 5;

	private final InfisicalProperties properties;

	/**
	 * Create a factory.
	 * @param properties the bound properties
	 */
	public InfisicalClientFactory(InfisicalProperties properties) {
		this.properties = properties;
	}

	/**
	 * Build the HTTP client of the configured site.
	 * @param sslBundles the application's SSL bundles, or {@code null} if there are none
	 * @return the client
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 * @throws org.springframework.boot.ssl.NoSuchSslBundleException if the configured
	 * bundle does not exist
	 */
	public InfisicalHttpClient httpClient(@Nullable SslBundles sslBundles) {
		return httpClient(sslBundles, List.of());
	}

	/**
	 * Build the HTTP client of the configured site.
	 * @param sslBundles the application's SSL bundles, or {@code null} if there are none
	 * @param customizers customizers of the JDK HTTP client, in order
	 * @return the client
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 * @throws org.springframework.boot.ssl.NoSuchSslBundleException if the configured
	 * bundle does not exist
	 */
	public InfisicalHttpClient httpClient(@Nullable SslBundles sslBundles,
			List<InfisicalHttpClientCustomizer> customizers) {
		String bundleName = this.properties.getSsl().getBundle();
		SslBundle sslBundle = null;
		if (bundleName != null) {
			if (sslBundles == null) {
				throw new InvalidConfigurationPropertyValueException("infisical.ssl.bundle", bundleName,
						"no SSL bundles are available: define it under spring.ssl.bundle");
			}
			sslBundle = sslBundles.getBundle(bundleName);
		}
		InfisicalSiteUrl siteUrl;
		try {
			siteUrl = InfisicalSiteUrl.of(this.properties.getSiteUrl(), this.properties.isAllowInsecureHttp());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("infisical.site-url", this.properties.getSiteUrl(),
					ex.getMessage());
		}
		Duration connectTimeout = positive("infisical.connect-timeout", this.properties.getConnectTimeout());
		Duration readTimeout = positive("infisical.read-timeout", this.properties.getReadTimeout());
		long maxResponseSize = maxResponseSize();
		// the JDK client on purpose: Apache HttpClient, which an application may have,
		// logs Authorization headers and bodies at DEBUG
		HttpClient.Builder builder = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(connectTimeout);
		if (sslBundle != null) {
			builder.sslContext(sslBundle.createSslContext());
			SSLParameters parameters = new SSLParameters();
			parameters.setCipherSuites(sslBundle.getOptions().getCiphers());
			parameters.setProtocols(sslBundle.getOptions().getEnabledProtocols());
			builder.sslParameters(parameters);
		}
		else if (!siteUrl.isHttps()) {
			builder.sslContext(new PlainHttpSslContext()).sslParameters(new SSLParameters());
		}
		customizers.forEach((customizer) -> customizer.customize(builder));
		return new InfisicalHttpClient(siteUrl, builder.build(), readTimeout, maxResponseSize);
	}

	/**
	 * Build the AWS IAM login options.
	 * @param credentialsProvider the application's credentials provider, or {@code null}
	 * for the one {@code infisical.aws-auth.profile} and {@code role-arn} configure, else
	 * the AWS SDK default chain
	 * @return the options
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 */
	public AwsIamAuthenticationOptions authenticationOptions(@Nullable AwsCredentialsProvider credentialsProvider) {
		return authenticationOptionsBuilder(credentialsProvider).build();
	}

	private AwsIamAuthenticationOptions.Builder authenticationOptionsBuilder(
			@Nullable AwsCredentialsProvider credentialsProvider) {
		InfisicalProperties.AwsAuth awsAuth = this.properties.getAwsAuth();
		String identityId = awsAuth.getIdentityId();
		if (identityId == null || identityId.isBlank()) {
			throw new InvalidConfigurationPropertyValueException("infisical.aws-auth.identity-id", identityId,
					"it is required: set it to the id of the Infisical machine identity that has AWS auth "
							+ "configured, or set infisical.enabled=false");
		}
		AwsIamAuthenticationOptions.Builder builder = AwsIamAuthenticationOptions.builder()
			.identityId(identityId)
			.verifyWithSts(awsAuth.isVerifyWithSts());
		String slug = this.properties.getOrganizationSlug();
		if (slug != null) {
			if (slug.isBlank() || slug.length() > 64) {
				throw new InvalidConfigurationPropertyValueException("infisical.organization-slug", slug,
						"an organization slug is 1 to 64 characters");
			}
			builder.organizationSlug(slug);
		}
		String region = awsAuth.getRegion();
		if (region != null) {
			try {
				AwsIamAuthentication.checkRegion(region);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("infisical.aws-auth.region", region,
						ex.getMessage());
			}
			Region fixed = Region.of(region);
			builder.regionProvider(() -> fixed);
		}
		if (credentialsProvider != null) {
			builder.credentialsProvider(credentialsProvider);
		}
		else {
			AwsCredentialsProvider configured = AwsCredentialsFactory.create(awsAuth,
					(region != null) ? () -> Region.of(region) : new DefaultAwsRegionProviderChain());
			if (configured != null) {
				builder.credentialsProvider(configured).closeCredentialsProvider(true);
			}
		}
		return builder;
	}

	/**
	 * Describe the AWS credentials that sign the login when the application registers no
	 * provider of its own: {@code infisical.aws-auth.profile} and
	 * {@code infisical.aws-auth.role-arn}, else the AWS SDK default chain.
	 * @return the description, for messages
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 */
	public String describeCredentials() {
		String configured = AwsCredentialsFactory.describe(this.properties.getAwsAuth());
		return (configured != null) ? configured : "the AWS SDK default credentials chain";
	}

	/**
	 * Return the settings that shape the clients, by property name: two sets of clients
	 * are interchangeable when these are equal. Holds no secret.
	 * @return the settings
	 */
	public Map<String, @Nullable Object> clientSettings() {
		InfisicalProperties properties = this.properties;
		Map<String, @Nullable Object> settings = new LinkedHashMap<>();
		settings.put("infisical.site-url", properties.getSiteUrl());
		settings.put("infisical.organization-slug", properties.getOrganizationSlug());
		settings.put("infisical.allow-insecure-http", properties.isAllowInsecureHttp());
		settings.put("infisical.connect-timeout", properties.getConnectTimeout());
		settings.put("infisical.read-timeout", properties.getReadTimeout());
		settings.put("infisical.max-response-size", properties.getMaxResponseSize());
		settings.put("infisical.ssl.bundle", properties.getSsl().getBundle());
		settings.put("infisical.aws-auth.identity-id", properties.getAwsAuth().getIdentityId());
		settings.put("infisical.aws-auth.region", properties.getAwsAuth().getRegion());
		settings.put("infisical.aws-auth.profile", properties.getAwsAuth().getProfile());
		settings.put("infisical.aws-auth.role-arn", properties.getAwsAuth().getRoleArn());
		settings.put("infisical.aws-auth.role-session-name", properties.getAwsAuth().getRoleSessionName());
		settings.put("infisical.aws-auth.verify-with-sts", properties.getAwsAuth().isVerifyWithSts());
		settings.put("infisical.token.refresh-before-expiry", properties.getToken().getRefreshBeforeExpiry());
		settings.put("infisical.token.revoke-on-shutdown", properties.getToken().isRevokeOnShutdown());
		settings.put("infisical.token.fail-fast", properties.getToken().isFailFast());
		settings.put("infisical.token.max-wait", properties.getToken().getMaxWait());
		settings.put("infisical.retry.initial-interval", properties.getRetry().getInitialInterval());
		settings.put("infisical.retry.max-interval", properties.getRetry().getMaxInterval());
		settings.put("infisical.retry.multiplier", properties.getRetry().getMultiplier());
		settings.put("infisical.retry.max-elapsed-time", properties.getRetry().getMaxElapsedTime());
		return settings;
	}

	/**
	 * Build the backoff of logins, refreshes and reads from {@code infisical.retry.*}.
	 * @return the backoff, without a limit on the number of attempts
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 */
	public RetryBackoff retryBackoff() {
		InfisicalProperties.Retry retry = this.properties.getRetry();
		Duration initial = positive("infisical.retry.initial-interval", retry.getInitialInterval());
		Duration max = positive("infisical.retry.max-interval", retry.getMaxInterval());
		if (max.compareTo(initial) < 0) {
			throw new InvalidConfigurationPropertyValueException("infisical.retry.max-interval", max,
					"must not be shorter than infisical.retry.initial-interval (" + initial + ")");
		}
		if (!(retry.getMultiplier() >= 1)) {
			throw new InvalidConfigurationPropertyValueException("infisical.retry.multiplier", retry.getMultiplier(),
					"must be at least 1");
		}
		Duration maxElapsed = retry.getMaxElapsedTime();
		if (maxElapsed == null || maxElapsed.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("infisical.retry.max-elapsed-time", maxElapsed,
					"must not be negative");
		}
		return RetryBackoff.builder()
			.initialInterval(initial)
			.maxInterval(max)
			.multiplier(retry.getMultiplier())
			.maxElapsed(maxElapsed)
			.build();
	}

	/**
	 * Build the refresh policy.
	 * @return the policy
	 * @throws InvalidConfigurationPropertyValueException if a property is invalid
	 */
	public TokenRefreshPolicy refreshPolicy() {
		return TokenRefreshPolicy.builder()
			.refreshBeforeExpiry(positive("infisical.token.refresh-before-expiry",
					this.properties.getToken().getRefreshBeforeExpiry()))
			.retry(retryBackoff())
			.build();
	}

	/**
	 * Build the client that reads secrets with the given token provider. A read makes at
	 * most {@value #SECRET_READ_ATTEMPTS} attempts within
	 * {@code infisical.retry.max-elapsed-time}.
	 * @param client the HTTP client
	 * @param tokenProvider the token provider
	 * @return the secrets client
	 */
	public InfisicalSecretsClient secretsClient(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider) {
		return InfisicalSecretsClient.builder(client, tokenProvider)
			.retry(retryBackoff().withMaxAttempts(SECRET_READ_ATTEMPTS))
			.build();
	}

	/**
	 * Build the token provider; it logs in when started.
	 * @param client the HTTP client
	 * @param credentialsProvider the application's credentials provider, or {@code null}
	 * for the one {@code infisical.aws-auth.*} configures, else the AWS SDK default chain
	 * @param scheduler the scheduler of its refreshes, or {@code null} for one of its own
	 * @return the provider, not yet started
	 */
	public LifecycleAwareTokenProvider tokenProvider(InfisicalHttpClient client,
			@Nullable AwsCredentialsProvider credentialsProvider, @Nullable TaskScheduler scheduler) {
		// checked first: a mistake must not leave a credentials provider behind
		TokenRefreshPolicy policy = refreshPolicy();
		Duration maxWait = this.properties.getToken().getMaxWait();
		if (maxWait == null || maxWait.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("infisical.token.max-wait", maxWait,
					"must not be negative");
		}
		AwsIamAuthentication authentication = new AwsIamAuthentication(
				authenticationOptionsBuilder(credentialsProvider).build(), client);
		LifecycleAwareTokenProvider.Builder builder = LifecycleAwareTokenProvider.builder(authentication, client)
			.policy(policy)
			.maxWait(maxWait)
			.revokeOnClose(this.properties.getToken().isRevokeOnShutdown());
		if (scheduler != null) {
			builder.taskScheduler(scheduler);
		}
		return builder.build();
	}

	/**
	 * Return how often imported secrets are polled for changes.
	 * @return the interval, or {@code null} for no polling
	 * @throws InvalidConfigurationPropertyValueException if it is set and not positive
	 */
	public @Nullable Duration secretsRefreshInterval() {
		Duration interval = this.properties.getSecrets().getRefreshInterval();
		return (interval != null) ? positive("infisical.secrets.refresh-interval", interval) : null;
	}

	private long maxResponseSize() {
		DataSize size = this.properties.getMaxResponseSize();
		if (size == null || size.toBytes() < 1024 || size.toBytes() > Integer.MAX_VALUE - 8) {
			throw new InvalidConfigurationPropertyValueException("infisical.max-response-size", size,
					"must be between 1KB and 2GB");
		}
		return size.toBytes();
	}

	private static Duration positive(String name, @Nullable Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "must be a positive duration");
		}
		return value;
	}

}
