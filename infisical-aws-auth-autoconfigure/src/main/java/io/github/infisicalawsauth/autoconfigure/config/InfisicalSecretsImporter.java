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
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

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
	 * Fill the property sources of an environment that are still empty, with the settings
	 * of that environment.
	 * @param environment the environment, its config data processed
	 * @param bootstrap the bootstrap context that holds the clients
	 * @return {@code true} if there was anything to fill
	 * @throws InfisicalImportException if a required import cannot be read
	 */
	boolean importPending(ConfigurableEnvironment environment, ConfigurableBootstrapContext bootstrap) {
		List<InfisicalPropertySource> pending = new ArrayList<>();
		MutablePropertySources configuration = new MutablePropertySources();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source instanceof InfisicalPropertySource infisical) {
				if (infisical.isPending()) {
					pending.add(infisical);
				}
			}
			else {
				configuration.addLast(source);
			}
		}
		if (pending.isEmpty()) {
			return false;
		}
		// the imports' settings come from the application's configuration, never from
		// secrets imported earlier
		Binder binder = new Binder(ConfigurationPropertySources.from(configuration),
				new PropertySourcesPlaceholdersResolver(configuration),
				ApplicationConversionService.getSharedInstance());
		InfisicalProperties properties = binder.bind(InfisicalProperties.PREFIX, Bindable.of(InfisicalProperties.class))
			.orElseGet(InfisicalProperties::new);
		importSecrets(pending, properties, binder, bootstrap);
		return true;
	}

	/**
	 * Fill the given property sources, in order of precedence. Sources that read nothing
	 * (Infisical disabled, or the same location as a source of higher precedence) stay
	 * empty rather than disappear, so that a refresh replaces the ones it finds by name.
	 * @param sources the property sources of the imports, highest precedence first
	 * @param properties the final {@code infisical.*} settings
	 * @param binder a binder of the final configuration
	 * @param bootstrap the bootstrap context that holds the clients
	 * @throws InfisicalImportException if a required import cannot be read
	 */
	void importSecrets(List<InfisicalPropertySource> sources, InfisicalProperties properties, Binder binder,
			ConfigurableBootstrapContext bootstrap) {
		if (!properties.isEnabled()) {
			this.logger.info("Ignoring the Infisical imports " + sources.stream().map(this::describe).toList()
					+ ": infisical.enabled is false");
			sources.forEach((source) -> source.skip(null));
			return;
		}
		// settle every location before logging in, so that a mistake costs no login
		Map<String, Import> imports = new LinkedHashMap<>();
		for (InfisicalPropertySource source : sources) {
			SecretLocation location = source.getResource().resolve(properties.getSecrets());
			Import first = imports.putIfAbsent(location + "|" + source.getResource().getPrefix(),
					new Import(source, location));
			if (first != null) {
				this.logger.debug("Infisical import '" + source.getResource() + "' reads the same as '"
						+ first.source.getResource() + "'; one property source serves both");
				// one required import of the location is enough to require it
				first.required |= !source.getResource().isOptional();
				source.skip(null);
			}
		}
		InfisicalConfigDataClients clients = InfisicalConfigDataClients.get(bootstrap, properties, binder, this.logger);
		clients.beginPass();
		try {
			imports.values().forEach((item) -> load(item, clients));
		}
		finally {
			clients.endPass();
		}
	}

	private void load(Import item, InfisicalConfigDataClients clients) {
		InfisicalPropertySource source = item.source;
		SecretLocation location = item.location;
		source.setReadStatus(clients.status(location));
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
			if (!item.required && (ex instanceof SecretsNotFoundException || ex.isTransient())) {
				this.logger.info("Skipping optional Infisical import '" + source.getResource() + "' of "
						+ location.describe() + ": " + ex.getMessage());
				source.skip(location);
				return;
			}
			clients.closeIfUnpromoted();
			throw new InfisicalImportException("Cannot import the Infisical secrets of " + location.describe()
					+ " (import '" + source.getResource() + "'): " + ex.getMessage()
					+ ". Check infisical.secrets.* and the import"
					+ (item.required ? ", or mark it 'optional:infisical:...' to start without these secrets" : ""),
					ex);
		}
		List<String> ignored = source.load(snapshot);
		this.logger.info("Loaded " + snapshot.getSecrets().size() + " Infisical secrets of " + location.describe()
				+ (source.getResource().getPrefix().isEmpty() ? ""
						: " with prefix '" + source.getResource().getPrefix() + "'"));
		if (!ignored.isEmpty()) {
			this.logger.warn("Ignoring Infisical secrets " + ignored + " of " + location.describe()
					+ ": secrets cannot set spring.profiles.* or spring.config.* (profiles and imports are settled "
					+ "before secrets are read)");
		}
	}

	private String describe(InfisicalPropertySource source) {
		return source.getResource().toString();
	}

	/**
	 * A location to read and the property source it fills.
	 */
	private static final class Import {

		final InfisicalPropertySource source;

		final SecretLocation location;

		boolean required;

		Import(InfisicalPropertySource source, SecretLocation location) {
			this.source = source;
			this.location = location;
			this.required = !source.getResource().isOptional();
		}

	}

}
