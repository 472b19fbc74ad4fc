package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalException;
import io.github.infisicalawsauth.InfisicalImportException;
import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.autoconfigure.InfisicalTokenProviderStart;
import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsNotFoundException;
import io.github.infisicalawsauth.secrets.SecretsSnapshot;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Reads the secrets of every {@code infisical:} import right after Spring Boot has
 * processed config data, with the final configuration: {@code application.yml}, every
 * {@code application-{profile}.yml} and profile document, the environment and the command
 * line. Spring Boot resolves an import before it loads the profile-specific files
 * (spring-boot#43533), so reading earlier could load another environment's secrets.
 * <p>
 * It binds {@code infisical.*} from that configuration, takes the clients of the
 * bootstrap context (creating and registering them on first use), waits for the first
 * login, and fills each import's property source, applying the rules of required and
 * {@code optional:} imports; a reload (context refresh) that fails keeps the last good
 * values. It runs again on a spring-cloud-context refresh, with the bootstrap context
 * that refresh keeps. The legacy bootstrap locator and the loader (where config data runs
 * without post-processors) share the same import.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalConfigDataEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Order: right after {@link ConfigDataEnvironmentPostProcessor}, so that later
	 * post-processors see the secrets.
	 */
	public static final int ORDER = ConfigDataEnvironmentPostProcessor.ORDER + 1;

	private final Log logger;

	private final ConfigurableBootstrapContext bootstrap;

	/**
	 * Create a post-processor.
	 * @param logFactory the factory of deferred logs
	 * @param bootstrap the bootstrap context that holds the clients
	 */
	public InfisicalConfigDataEnvironmentPostProcessor(DeferredLogFactory logFactory,
			ConfigurableBootstrapContext bootstrap) {
		this(logFactory.getLog(InfisicalConfigDataEnvironmentPostProcessor.class), bootstrap);
	}

	InfisicalConfigDataEnvironmentPostProcessor(Log logger, ConfigurableBootstrapContext bootstrap) {
		this.logger = logger;
		this.bootstrap = bootstrap;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		InfisicalConfigDataClients clients = importPending(environment);
		if (clients != null) {
			clients.pauseUntilOwned();
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Fill the property sources of an environment that are still empty, with the settings
	 * of that environment.
	 * @param environment the environment, its config data processed
	 * @return the clients that read them, or {@code null} if there was nothing to read
	 * @throws InfisicalImportException if a required import cannot be read
	 */
	@Nullable InfisicalConfigDataClients importPending(ConfigurableEnvironment environment) {
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
			return null;
		}
		// the imports' settings come from the application's configuration, never from
		// secrets imported earlier
		Binder binder = new Binder(ConfigurationPropertySources.from(configuration),
				new PropertySourcesPlaceholdersResolver(configuration),
				ApplicationConversionService.getSharedInstance());
		InfisicalProperties properties = binder.bind(InfisicalProperties.PREFIX, Bindable.of(InfisicalProperties.class))
			.orElseGet(InfisicalProperties::new);
		return importSecrets(pending, properties, binder);
	}

	/**
	 * Fill the given property sources, in order of precedence. Sources that read nothing
	 * (Infisical disabled, or the same location as a source of higher precedence) stay
	 * empty rather than disappear, so that a refresh replaces the ones it finds by name.
	 * @param sources the property sources of the imports, highest precedence first
	 * @param properties the final {@code infisical.*} settings
	 * @param binder a binder of the final configuration
	 * @return the clients that read them, or {@code null} if Infisical is disabled
	 * @throws InfisicalImportException if a required import cannot be read
	 */
	@Nullable InfisicalConfigDataClients importSecrets(List<InfisicalPropertySource> sources, InfisicalProperties properties,
			Binder binder) {
		if (!properties.isEnabled()) {
			this.logger.info("Ignoring the Infisical imports " + sources.stream().map(this::describe).toList()
					+ ": infisical.enabled is false");
			sources.forEach((source) -> source.skip(null));
			return null;
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
		InfisicalConfigDataClients clients = InfisicalConfigDataClients.get(this.bootstrap, properties, binder);
		InfisicalException loginFailure = awaitLogin(clients, properties,
				imports.values().stream().anyMatch((item) -> item.required));
		imports.values().forEach((item) -> load(item, clients, loginFailure));
		return clients;
	}

	/**
	 * Wait once for a token for all imports, so that Infisical being down costs one retry
	 * budget rather than one per import: the retries that start within
	 * {@code infisical.retry.max-elapsed-time} when an import is required or
	 * {@code infisical.token.fail-fast} is on, else the first attempt only.
	 */
	private @Nullable InfisicalException awaitLogin(InfisicalConfigDataClients clients, InfisicalProperties properties,
			boolean required) {
		Duration retryFor = (required || properties.getToken().isFailFast()) ? properties.getRetry().getMaxElapsedTime()
				: Duration.ZERO;
		try {
			clients.getTokenProvider().start();
			InfisicalTokenProviderStart.awaitLogin(clients.getTokenProvider(), retryFor, properties);
			return null;
		}
		catch (InfisicalException ex) {
			return ex;
		}
	}

	private void load(Import item, InfisicalConfigDataClients clients, @Nullable InfisicalException loginFailure) {
		InfisicalPropertySource source = item.source;
		SecretLocation location = item.location;
		source.setReadStatus(clients.status(location));
		SecretsSnapshot snapshot;
		try {
			if (loginFailure != null) {
				throw loginFailure;
			}
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
			throw failed(clients, item, ex);
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

	private InfisicalImportException failed(InfisicalConfigDataClients clients, Import item, InfisicalException ex) {
		if (!clients.isOwned()) {
			// startup fails: nothing may keep running after it
			clients.close();
		}
		return new InfisicalImportException(
				"Cannot import the Infisical secrets of " + item.location.describe() + " (import '"
						+ item.source.getResource() + "'): " + ex.getMessage()
						+ ". Check infisical.secrets.* and the import"
						+ (item.required ? ", or mark it 'optional:infisical:...' to start without these secrets" : ""),
				ex);
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
