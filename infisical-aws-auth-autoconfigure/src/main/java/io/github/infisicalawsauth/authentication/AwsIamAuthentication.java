package io.github.infisicalawsauth.authentication;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalLoginException.Reason;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.TokenResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Logs in to Infisical with the application's AWS identity: signs an STS
 * {@code GetCallerIdentity} request with SigV4 and posts it to
 * {@code /api/v1/auth/aws-auth/login}. Credentials are resolved and the request signed
 * afresh for every attempt, because STS refuses signatures older than 15 minutes and
 * credentials rotate.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class AwsIamAuthentication implements InfisicalAuthentication, AutoCloseable {

	static final String LOGIN_PATH = "/v1/auth/aws-auth/login";

	private static final Log logger = LogFactory.getLog(AwsIamAuthentication.class);

	private final AwsIamAuthenticationOptions options;

	private final InfisicalHttpClient client;

	private static final boolean STS_PRESENT = isPresent("software.amazon.awssdk.services.sts.StsClient");

	private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

	private static final Duration CHECK_VALIDITY = Duration.ofMinutes(1);

	// a refusal re-signed three times in a row is not a passing glitch
	private static final int MAX_STS_REFUSALS = 3;

	private final AtomicInteger stsRefusals = new AtomicInteger();

	private volatile @Nullable String region;

	private volatile @Nullable CheckedCredentials lastCheck;

	/**
	 * Create a new instance.
	 * @param options the options
	 * @param client the HTTP client of the Infisical site
	 */
	public AwsIamAuthentication(AwsIamAuthenticationOptions options, InfisicalHttpClient client) {
		this.options = options;
		this.client = client;
	}

	/**
	 * Check that Infisical can verify identities in the given region.
	 * @param region the region name
	 * @throws IllegalArgumentException with a reason to show the user
	 */
	public static void checkRegion(String region) {
		StsRequestSigner.checkRegion(region);
	}

	@Override
	public TokenResponse login() {
		String region = region();
		AwsCredentials credentials = credentials();
		StsRequestSigner.SignedStsRequest signed = StsRequestSigner.sign(credentials, region, this.options.getClock());
		Map<String, String> body = new LinkedHashMap<>();
		body.put("identityId", this.options.getIdentityId());
		body.put("iamHttpRequestMethod", "POST");
		body.put("iamRequestBody", signed.body());
		body.put("iamRequestHeaders", signed.headers());
		if (this.options.getOrganizationSlug() != null) {
			body.put("organizationSlug", this.options.getOrganizationSlug());
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Logging in to Infisical at " + this.client.getSiteUrl() + " as identity "
					+ this.options.getIdentityId() + " with STS region " + region + ", signed headers "
					+ signed.headerNames());
		}
		TokenResponse response;
		try {
			response = this.client.post(LOGIN_PATH, body, (parser, head) -> TokenResponse.read(parser));
		}
		catch (InfisicalException ex) {
			InfisicalLoginException failure = InfisicalLoginException.create(ex);
			throw counted(
					(failure.getReason() == Reason.STS_REJECTED) ? explain(failure, credentials, region) : failure);
		}
		this.stsRefusals.set(0);
		if (response.accessToken() == null || response.accessToken().isBlank()) {
			throw InfisicalLoginException.of(Reason.UNEXPECTED_ANSWER,
					"the answer of POST /api" + LOGIN_PATH + " has no accessToken; check infisical.site-url", null);
		}
		return response;
	}

	/**
	 * Count STS refusals in a row: signing again may help once or twice (a credential
	 * rotated under the request), but a refusal that repeats is given up on, so that the
	 * caller stops retrying and reports it.
	 */
	private InfisicalLoginException counted(InfisicalLoginException failure) {
		Reason reason = failure.getReason();
		if (reason != Reason.STS_REJECTED && reason != Reason.STS_UNREACHABLE) {
			this.stsRefusals.set(0);
			return failure;
		}
		int refusals = this.stsRefusals.incrementAndGet();
		if (refusals < MAX_STS_REFUSALS || !failure.isTransient()) {
			return failure;
		}
		return new InfisicalLoginException(reason,
				failure.getMessage() + " (refused " + refusals + " times in a row; not retried)", failure.getCause(),
				false);
	}

	private InfisicalLoginException explain(InfisicalLoginException failure, AwsCredentials credentials,
			String region) {
		StsRefusal refusal = new StsRefusal(failure, this.options.getClock().instant(), credentials,
				this.options.getCredentialsProvider().getClass().getSimpleName(), region);
		if (!refusal.isClockSkewed() && this.options.isVerifyWithSts() && STS_PRESENT) {
			refusal.withCheck(check(credentials, region));
		}
		return refusal.toException();
	}

	// one direct question to STS a minute is enough, however often the login is
	// retried
	private StsCallerCheck.Result check(AwsCredentials credentials, String region) {
		CheckedCredentials last = this.lastCheck;
		long now = System.nanoTime();
		if (last != null && last.accessKeyId().equals(credentials.accessKeyId())
				&& now - last.checkedAt() < CHECK_VALIDITY.toNanos()) {
			return last.result();
		}
		StsCallerCheck.Result result = StsCallerCheck.check(credentials, region, CHECK_TIMEOUT);
		logger.debug("Asked AWS STS who the login's credentials belong to: " + result.outcome());
		this.lastCheck = new CheckedCredentials(credentials.accessKeyId(), now, result);
		return result;
	}

	private String region() {
		String region = this.region;
		if (region == null) {
			Region resolved;
			try {
				resolved = this.options.getRegionProvider().getRegion();
			}
			catch (SdkException ex) {
				throw new InfisicalLoginException(
						Reason.NO_REGION, "Cannot log in to Infisical with AWS IAM: no AWS region found ("
								+ ex.getMessage() + "). Set infisical.aws-auth.region or AWS_REGION",
						ex, ex.retryable());
			}
			if (resolved == null) {
				throw InfisicalLoginException.of(Reason.NO_REGION,
						"no AWS region found. Set infisical.aws-auth.region or AWS_REGION", null);
			}
			try {
				StsRequestSigner.checkRegion(resolved.id());
			}
			catch (IllegalArgumentException ex) {
				throw InfisicalLoginException.of(Reason.INVALID_REGION, ex.getMessage(), null);
			}
			region = resolved.id();
			this.region = region;
		}
		return region;
	}

	private AwsCredentials credentials() {
		try {
			return this.options.getCredentialsProvider().resolveCredentials();
		}
		catch (SdkException ex) {
			// the SDK's message lists the providers it tried; it carries no secret.
			// Instance metadata or container endpoints time out now and then: the SDK
			// marks those retryable, an empty chain not
			throw new InfisicalLoginException(Reason.NO_CREDENTIALS,
					"Cannot log in to Infisical with AWS IAM: no AWS credentials found (" + ex.getMessage() + ")", ex,
					ex.retryable());
		}
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, AwsIamAuthentication.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Close the credentials provider if the options created it or were told to close it;
	 * a provider given by the application is left alone.
	 */
	@Override
	public void close() {
		if (this.options.isCloseCredentialsProvider()
				&& this.options.getCredentialsProvider() instanceof SdkAutoCloseable closeable) {
			closeable.close();
		}
	}

	private record CheckedCredentials(String accessKeyId, long checkedAt, StsCallerCheck.Result result) {

	}

}
