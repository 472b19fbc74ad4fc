package io.github.infisicalawsauth.autoconfigure.config;

import java.util.List;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.secrets.InfisicalSecretsClient;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsNotFoundException;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.apache.commons.logging.Log;

import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.logging.DeferredLogFactory;

/**
 * Loads the secrets of an {@link InfisicalConfigDataResource} into an
 * {@link InfisicalPropertySource}. An {@code optional:} import that is missing or
 * unreachable is skipped; a required one fails startup. A reload (context refresh) that
 * fails keeps the last good values.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConfigDataLoader implements ConfigDataLoader<InfisicalConfigDataResource> {

	private final Log logger;

	/**
	 * Create a loader.
	 * @param logFactory the factory of deferred logs
	 */
	public InfisicalConfigDataLoader(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(InfisicalConfigDataLoader.class);
	}

	@Override
	public ConfigData load(ConfigDataLoaderContext context, InfisicalConfigDataResource resource)
			throws ConfigDataResourceNotFoundException {
		if (resource.isDisabled()) {
			return ConfigData.EMPTY;
		}
		ConfigurableBootstrapContext bootstrap = context.getBootstrapContext();
		InfisicalConfigDataClients.SnapshotCache cache = bootstrap.get(InfisicalConfigDataClients.SnapshotCache.class);
		SecretLocation location = resource.getLocation();
		SecretsSnapshot previous = cache.get(location);
		SecretsSnapshot snapshot;
		try {
			InfisicalException unreachable = cache.getUnreachable();
			if (previous == null && unreachable != null) {
				// an earlier import of this start already used up the retry budget
				throw unreachable;
			}
			InfisicalSecretsClient client = bootstrap.get(InfisicalSecretsClient.class);
			snapshot = client.getSecrets(location, previous);
		}
		catch (InfisicalException ex) {
			if (previous != null && ex.isTransient()) {
				this.logger.warn("Cannot reload the Infisical secrets of " + location.describe()
						+ "; keeping the last values read: " + ex.getMessage());
				snapshot = previous;
			}
			else if (resource.isOptional() && (ex instanceof SecretsNotFoundException || ex.isTransient())) {
				if (ex.isTransient()) {
					cache.setUnreachable(ex);
				}
				this.logger
					.info("Skipping optional Infisical import of " + location.describe() + ": " + ex.getMessage());
				throw new ConfigDataResourceNotFoundException(resource, ex);
			}
			else {
				InfisicalConfigDataClients.closeUnpromoted(bootstrap);
				throw new InfisicalImportException("Cannot import the Infisical secrets of " + location.describe()
						+ ": " + ex.getMessage() + ". Check infisical.secrets.* and the import" + (resource.isOptional()
								? "" : ", or mark it 'optional:infisical:...' to start without these secrets"),
						ex);
			}
		}
		cache.put(snapshot);
		this.logger.info("Loaded " + snapshot.getSecrets().size() + " Infisical secrets of " + location.describe()
				+ (resource.getPrefix().isEmpty() ? "" : " with prefix '" + resource.getPrefix() + "'"));
		return new ConfigData(List.of(new InfisicalPropertySource(resource, snapshot)));
	}

}
