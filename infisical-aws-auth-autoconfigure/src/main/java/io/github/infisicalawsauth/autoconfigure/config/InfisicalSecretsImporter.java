package io.github.infisicalawsauth.autoconfigure.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsNotFoundException;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.apache.commons.logging.Log;

import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Fills the property sources of {@code infisical:} imports from the final configuration:
 * decides what each import reads, reads it with the clients of the bootstrap context, and
 * applies the rules of required and {@code optional:} imports. A reload (context refresh)
 * that fails keeps the last good values.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalSecretsImporter {

	private final Log logger;

	InfisicalSecretsImporter(Log logger) {
		this.logger = logger;
	}

	/**
	 * Fill the given property sources, in order of precedence.
	 * @param sources the property sources of the imports, highest precedence first
	 * @param properties the final {@code infisical.*} settings
	 * @param binder a binder of the final configuration
	 * @param bootstrap the bootstrap context that holds the clients
	 * @return the sources to remove: all of them when Infisical is disabled, else those
	 * that read the same location as one of higher precedence
	 * @throws InfisicalImportException if a required import cannot be read
	 */
	List<InfisicalPropertySource> importSecrets(List<InfisicalPropertySource> sources, InfisicalProperties properties,
			Binder binder, ConfigurableBootstrapContext bootstrap) {
		if (!properties.isEnabled()) {
			this.logger.info("Ignoring the Infisical imports " + resources(sources) + ": infisical.enabled is false");
			return sources;
		}
		// settle every location before logging in, so that a mistake costs no login
		Map<InfisicalPropertySource, SecretLocation> locations = new LinkedHashMap<>();
		List<InfisicalPropertySource> duplicates = new ArrayList<>();
		Map<String, InfisicalPropertySource> seen = new LinkedHashMap<>();
		for (InfisicalPropertySource source : sources) {
			SecretLocation location = source.getResource().resolve(properties.getSecrets());
			InfisicalPropertySource first = seen.putIfAbsent(location + "|" + source.getResource().getPrefix(), source);
			if (first != null) {
				this.logger.debug("Infisical import '" + source.getResource() + "' reads the same as '"
						+ first.getResource() + "'; keeping one property source");
				duplicates.add(source);
			}
			else {
				locations.put(source, location);
			}
		}
		InfisicalConfigDataClients clients = InfisicalConfigDataClients.get(bootstrap, properties, binder, this.logger);
		clients.beginPass();
		try {
			locations.forEach((source, location) -> load(source, location, clients));
		}
		finally {
			clients.endPass();
		}
		return duplicates;
	}

	private void load(InfisicalPropertySource source, SecretLocation location, InfisicalConfigDataClients clients) {
		InfisicalConfigDataResource resource = source.getResource();
		SecretsSnapshot snapshot;
		try {
			snapshot = clients.read(location);
		}
		catch (InfisicalException ex) {
			SecretsSnapshot lastGood = clients.lastRead(location);
			if (lastGood != null) {
				this.logger.warn("Cannot reload the Infisical secrets of " + location.describe()
						+ "; keeping the last values read: " + ex.getMessage());
				source.load(lastGood);
				return;
			}
			if (resource.isOptional() && (ex instanceof SecretsNotFoundException || ex.isTransient())) {
				this.logger.info("Skipping optional Infisical import '" + resource + "' of " + location.describe()
						+ ": " + ex.getMessage());
				source.skip();
				return;
			}
			clients.closeIfUnpromoted();
			throw new InfisicalImportException(
					"Cannot import the Infisical secrets of " + location.describe() + " (import '" + resource + "'): "
							+ ex.getMessage() + ". Check infisical.secrets.* and the import" + (resource.isOptional()
									? "" : ", or mark it 'optional:infisical:...' to start without these secrets"),
					ex);
		}
		List<String> ignored = source.load(snapshot);
		this.logger.info("Loaded " + snapshot.getSecrets().size() + " Infisical secrets of " + location.describe()
				+ (resource.getPrefix().isEmpty() ? "" : " with prefix '" + resource.getPrefix() + "'"));
		if (!ignored.isEmpty()) {
			this.logger.warn("Ignoring Infisical secrets " + ignored + " of " + location.describe()
					+ ": secrets cannot set spring.profiles.* or spring.config.* (profiles and imports are settled "
					+ "before secrets are read)");
		}
	}

	private static List<String> resources(List<InfisicalPropertySource> sources) {
		return sources.stream().map((source) -> source.getResource().toString()).toList();
	}

}
