package io.github.infisicalawsauth.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import io.github.infisicalawsauth.autoconfigure.config.InfisicalPropertySource;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalReadStatus;
import io.github.infisicalawsauth.secrets.SecretLocation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The read-only {@code infisical} actuator endpoint: the imported locations, how long
 * their answer has been unchanged, how the last poll ended and the names of the
 * properties they contribute. Names only, never values.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@Endpoint(id = "infisical")
public class InfisicalEndpoint {

	private final ConfigurableEnvironment environment;

	private final Clock clock;

	/**
	 * Create an endpoint.
	 * @param environment the environment that holds the imports
	 * @param clock the clock ages are measured on
	 */
	public InfisicalEndpoint(ConfigurableEnvironment environment, Clock clock) {
		this.environment = environment;
		this.clock = clock;
	}

	/**
	 * Describe the imports.
	 * @return the imports, highest precedence first
	 */
	@ReadOperation
	public ImportsDescriptor imports() {
		Instant now = this.clock.instant();
		List<ImportDescriptor> imports = InfisicalImports.find(this.environment)
			.stream()
			.map((source) -> describe(source, now))
			.toList();
		return new ImportsDescriptor(imports);
	}

	private static ImportDescriptor describe(InfisicalPropertySource source, Instant now) {
		SecretLocation location = (source.getLocation() != null) ? source.getLocation() : null;
		InfisicalReadStatus status = source.getReadStatus();
		Instant unchangedSince = (status != null) ? status.getUnchangedSince() : null;
		return new ImportDescriptor(source.getResource().toString(), source.getName(),
				(location != null) ? location.getProjectId() : null,
				(location != null) ? location.getEnvironment() : null, (location != null) ? location.getPath() : null,
				source.isLoaded() ? "LOADED" : "EMPTY",
				(unchangedSince != null) ? Duration.between(unchangedSince, now).toSeconds() : null,
				(status != null) ? toString(status.getLastSuccessAt()) : null,
				(status != null) ? toString(status.getLastAttemptAt()) : null,
				(status != null) ? status.getLastOutcome().name() : null,
				(status != null) ? status.getLastFailure() : null,
				(status != null) ? List.copyOf(new TreeSet<>(status.getChannels())) : List.of(),
				(status != null) ? toString(status.getLastNoticeAt()) : null,
				(status != null) ? status.getLastNoticeChannel() : null,
				List.copyOf(new TreeSet<>(Arrays.asList(source.getPropertyNames()))));
	}

	private static @Nullable String toString(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	/**
	 * The imports of the application.
	 *
	 * @param imports the imports, highest precedence first
	 */
	public record ImportsDescriptor(List<ImportDescriptor> imports) implements OperationResponseBody {

	}

	/**
	 * One import.
	 *
	 * @param location the import as written in {@code spring.config.import}
	 * @param propertySource the name of its property source
	 * @param projectId the project read, if read
	 * @param environment the environment read, if read
	 * @param path the folder read, if read
	 * @param state {@code LOADED}, or {@code EMPTY} when disabled, a duplicate or an
	 * optional import that could not be read
	 * @param unchangedForSeconds how long the answer (its ETag) has been the same
	 * @param lastSuccessfulRead when the location was last read successfully
	 * @param lastPoll when the location was last read or polled
	 * @param lastPollOutcome how that ended: {@code UNCHANGED}, {@code CHANGED} or
	 * {@code FAILED}
	 * @param lastFailure why it failed, if it did
	 * @param channels how changes reach it: {@code polling}, {@code webhook},
	 * {@code bus}, {@code stream}
	 * @param lastNotice when a notice of a change last arrived for it, if one did
	 * @param lastNoticeChannel where that notice came from
	 * @param properties the names of the properties it contributes
	 */
	public record ImportDescriptor(String location, String propertySource, @Nullable String projectId,
			@Nullable String environment, @Nullable String path, String state, @Nullable Long unchangedForSeconds,
			@Nullable String lastSuccessfulRead, @Nullable String lastPoll, @Nullable String lastPollOutcome,
			@Nullable String lastFailure, List<String> channels, @Nullable String lastNotice,
			@Nullable String lastNoticeChannel, List<String> properties) {

	}

}
