package io.github.infisicalawsauth.secrets;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads Infisical secrets at run time with the application's
 * {@link InfisicalTokenProvider}: all secrets of a location, or one secret by name.
 * <p>
 * Works with current servers ({@code /api/v4/secrets}) and older self-hosted ones
 * ({@code /api/v3/secrets/raw}), remembering which one answered. A rejected token (HTTP
 * 401, or 403 {@code TokenError}) causes one fresh login and one retry; network failures,
 * HTTP 5xx and 429 are retried with backoff, honouring {@code Retry-After}, within a
 * bounded number of attempts and time. Secret values never appear in logs or exception
 * messages.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalSecretsClient {

	private static final Log logger = LogFactory.getLog(InfisicalSecretsClient.class);

	private final InfisicalHttpClient client;

	private final SecretsReader reader;

	private final RetryBackoff backoff;

	private InfisicalSecretsClient(Builder builder) {
		this.client = builder.client;
		this.reader = new SecretsReader(builder.client, builder.tokenProvider);
		this.backoff = new RetryBackoff(builder.initialInterval, builder.maxInterval, builder.multiplier,
				builder.maxAttempts, builder.maxElapsed);
	}

	/**
	 * Start building a client.
	 * @param client the HTTP client of the Infisical site
	 * @param tokenProvider the token provider
	 * @return a new builder
	 */
	public static Builder builder(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider) {
		return new Builder(client, tokenProvider);
	}

	/**
	 * Return all secrets of a location, imports merged (the folder's own secrets win,
	 * later imports win over earlier ones).
	 * @param location the location
	 * @return an unmodifiable map of secret key to value
	 * @throws SecretsNotFoundException if the server reports no such environment or
	 * folder
	 * @throws InfisicalException if the secrets cannot be read
	 */
	public Map<String, String> getSecrets(SecretLocation location) {
		SecretsSnapshot snapshot = getSecrets(location, null);
		return Objects.requireNonNull(snapshot).getSecrets();
	}

	/**
	 * Return the secrets of a location unless they are unchanged since an earlier read,
	 * using the {@code ETag} of that read ({@code If-None-Match}, answered by
	 * {@code 304}).
	 * @param location the location
	 * @param previous the earlier read, or {@code null}
	 * @return the new secrets, or {@code previous} itself if nothing changed
	 * @throws SecretsNotFoundException if the server reports no such environment or
	 * folder
	 * @throws InfisicalException if the secrets cannot be read
	 */
	public SecretsSnapshot getSecrets(SecretLocation location, @Nullable SecretsSnapshot previous) {
		Objects.requireNonNull(location, "'location' must not be null");
		String etag = (previous != null && previous.getLocation().equals(location)) ? previous.getEtag() : null;
		SecretsSnapshot snapshot = retrying(location, null, () -> this.reader.list(location, etag));
		if (snapshot == null) {
			return Objects.requireNonNull(previous);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Read " + snapshot.getSecrets().size() + " secrets of " + location.describe());
		}
		return snapshot;
	}

	/**
	 * Return one secret of a location (searching its imports too).
	 * @param location the folder that holds the secret
	 * @param name the secret name
	 * @return the value
	 * @throws SecretsNotFoundException if there is no such secret, environment or folder
	 * @throws InfisicalException if the secret cannot be read
	 */
	public String getSecret(SecretLocation location, String name) {
		Objects.requireNonNull(location, "'location' must not be null");
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("'name' must not be empty");
		}
		return Objects.requireNonNull(retrying(location, name, () -> this.reader.single(location, name)));
	}

	private <T> @Nullable T retrying(SecretLocation location, @Nullable String name, Supplier<@Nullable T> call) {
		long started = System.nanoTime();
		long deadline = started + this.backoff.maxElapsed().toNanos();
		for (int attempt = 1;; attempt++) {
			try {
				return call.get();
			}
			catch (InfisicalException ex) {
				InfisicalException described = describe(ex, location, name);
				if (!ex.isTransient() || attempt >= this.backoff.maxAttempts()) {
					throw described;
				}
				Duration wait = this.backoff.waitBefore(attempt,
						(ex instanceof InfisicalApiException api) ? api.getRetryAfter() : null);
				if (System.nanoTime() + wait.toNanos() > deadline) {
					throw described;
				}
				logger.warn("Reading the secrets of " + location.describe() + " failed, attempt " + attempt
						+ ", retrying in " + wait.toMillis() + " ms: " + ex.getMessage());
				sleep(wait, described);
			}
		}
	}

	private static InfisicalException describe(InfisicalException ex, SecretLocation location, @Nullable String name) {
		if (!(ex instanceof InfisicalApiException api) || ex instanceof SecretsNotFoundException) {
			return ex;
		}
		String what = ((name != null) ? "secret '" + name + "' of " : "the secrets of ") + location.describe();
		InfisicalApiException described;
		if (api.getStatusCode() == 404 && !SecretsReader.isRouteMissing(api)) {
			described = new SecretsNotFoundException("Reading " + what, api.getError(), api.getServerMessage(),
					api.getReqId());
		}
		else if (api.getStatusCode() == 403 && !api.isTokenRejected()) {
			described = new InfisicalApiException("Reading " + what
					+ " (permission denied: the machine identity needs read access to this project, environment "
					+ "and path)", 403, api.getError(), api.getServerMessage(), api.getReqId(), null);
		}
		else {
			described = new InfisicalApiException("Reading " + what, api.getStatusCode(), api.getError(),
					api.getServerMessage(), api.getReqId(), api.getRetryAfter());
		}
		described.initCause(ex);
		return described;
	}

	private static void sleep(Duration wait, InfisicalException failure) {
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "InfisicalSecretsClient[" + this.client.getSiteUrl() + "]";
	}

	/**
	 * Builder of {@link InfisicalSecretsClient}.
	 */
	public static final class Builder {

		private final InfisicalHttpClient client;

		private final InfisicalTokenProvider tokenProvider;

		private Duration initialInterval = Duration.ofSeconds(1);

		private Duration maxInterval = Duration.ofSeconds(30);

		private double multiplier = 2;

		private int maxAttempts = 5;

		private Duration maxElapsed = Duration.ofMinutes(1);

		private Builder(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider) {
			this.client = Objects.requireNonNull(client, "'client' must not be null");
			this.tokenProvider = Objects.requireNonNull(tokenProvider, "'tokenProvider' must not be null");
		}

		/**
		 * Set the backoff between attempts after transient failures.
		 * @param initialInterval the first wait
		 * @param maxInterval the longest wait, not shorter than {@code initialInterval}
		 * @param multiplier the growth factor, at least 1
		 * @return this builder
		 */
		public Builder backoff(Duration initialInterval, Duration maxInterval, double multiplier) {
			if (initialInterval == null || initialInterval.isNegative() || maxInterval == null
					|| maxInterval.compareTo(initialInterval) < 0) {
				throw new IllegalArgumentException("'maxInterval' must not be shorter than 'initialInterval'");
			}
			if (!(multiplier >= 1)) {
				throw new IllegalArgumentException("'multiplier' must be at least 1");
			}
			this.initialInterval = initialInterval;
			this.maxInterval = maxInterval;
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * Set how many attempts a read makes before it fails (default 5).
		 * @param maxAttempts at least 1
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("'maxAttempts' must be at least 1");
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Set how long a read keeps retrying before it fails (default 1 minute).
		 * @param maxElapsed zero or positive
		 * @return this builder
		 */
		public Builder maxElapsed(Duration maxElapsed) {
			if (maxElapsed == null || maxElapsed.isNegative()) {
				throw new IllegalArgumentException("'maxElapsed' must not be negative");
			}
			this.maxElapsed = maxElapsed;
			return this;
		}

		/**
		 * Build the client.
		 * @return the client
		 */
		public InfisicalSecretsClient build() {
			return new InfisicalSecretsClient(this);
		}

	}

}
