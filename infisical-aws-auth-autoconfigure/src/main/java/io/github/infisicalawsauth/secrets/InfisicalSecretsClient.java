package io.github.infisicalawsauth.secrets;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalLoginException;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import io.github.infisicalawsauth.client.InfisicalHttpClient;
import io.github.infisicalawsauth.client.RetryBackoff;
import io.micrometer.observation.ObservationRegistry;
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

	private final RetryBackoff retry;

	private final Clock clock;

	private InfisicalSecretsClient(Builder builder) {
		this.client = builder.client;
		this.reader = new SecretsReader(builder.client, builder.tokenProvider);
		this.retry = builder.retry;
		this.clock = builder.clock;
	}

	/**
	 * Observe every read with the given registry, from now on: a client built before the
	 * application's registry existed (while configuration loads) gets it later.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.reader.setObservationRegistry(
				Objects.requireNonNull(observationRegistry, "'observationRegistry' must not be null"));
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
		try {
			return this.retry.run(this.clock, call, new RetryBackoff.Listener() {

				@Override
				public boolean isRetryable(InfisicalException failure, int attempts) {
					// a failed login already spent its own retry budget
					return failure.isTransient() && !(failure instanceof InfisicalLoginException);
				}

				@Override
				public void retrying(InfisicalException failure, int attempts, Duration wait) {
					logger.warn("Reading the secrets of " + location.describe() + " failed, attempt " + attempts
							+ ", retrying in " + wait.toMillis() + " ms: " + failure.getMessage());
				}

			});
		}
		catch (InfisicalException ex) {
			throw describe(ex, location, name);
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

		private RetryBackoff retry = RetryBackoff.builder().maxAttempts(5).build();

		private Clock clock = Clock.systemUTC();

		private Builder(InfisicalHttpClient client, InfisicalTokenProvider tokenProvider) {
			this.client = Objects.requireNonNull(client, "'client' must not be null");
			this.tokenProvider = Objects.requireNonNull(tokenProvider, "'tokenProvider' must not be null");
		}

		/**
		 * Set how reads retry transient failures. Default: 5 attempts within 1 minute.
		 * @param retry the retry policy
		 * @return this builder
		 */
		public Builder retry(RetryBackoff retry) {
			this.retry = Objects.requireNonNull(retry, "'retry' must not be null");
			return this;
		}

		/**
		 * Set the clock the retry budget is measured on. Default: the system clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
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
