package io.github.infisicalawsauth.secrets;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Hears that secrets changed in Infisical (a webhook, an event of the subscription
 * stream, a message of another instance) and reads the imported locations of that project
 * and environment again, with {@code If-None-Match}: a notice only says where something
 * changed, never what. Notices that arrive close together coalesce into one read per
 * location. Callers verify a notice before they pass it on.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public interface SecretsChangeNotices {

	/**
	 * Return the locations the application imports, to tell the server which changes to
	 * announce.
	 * @return the locations, possibly empty
	 */
	Set<SecretLocation> importedLocations();

	/**
	 * Whether some import reads the given project and environment.
	 * @param projectId the project id
	 * @param environment the environment slug
	 * @return {@code true} if a notice about them causes a read
	 */
	default boolean isImported(String projectId, String environment) {
		return importedLocations().stream()
			.anyMatch((location) -> location.getProjectId().equals(projectId)
					&& location.getEnvironment().equals(environment));
	}

	/**
	 * Read again, after the given delay, every import of the project and environment.
	 * Returns at once; the read runs on the starter's own thread.
	 * @param channel where the notice came from, for example {@code webhook}, for status
	 * and metrics
	 * @param projectId the project id
	 * @param environment the environment slug
	 * @param delay how long to wait first, so that notices in the meantime coalesce and a
	 * fleet does not read at the same instant
	 * @return {@code true} if some import reads the project and environment
	 */
	boolean changed(String channel, String projectId, String environment, Duration delay);

	/**
	 * Say that a channel carries, or no longer carries, the changes of some imported
	 * locations, for status endpoints.
	 * @param channel the channel, for example {@code stream}
	 * @param locations the locations, among {@link #importedLocations()}
	 * @param active whether it does
	 */
	void channel(String channel, Collection<SecretLocation> locations, boolean active);

	/**
	 * Read some imported locations again, after a gap in their notices (an event stream
	 * that opened again), when they may have changed unannounced. Returns at once; the
	 * read runs on the starter's own thread.
	 * @param channel where the need came from, for status and metrics
	 * @param locations the locations, among {@link #importedLocations()}: those the
	 * channel serves, so that a gap in one stream does not read the imports of others
	 */
	void resync(String channel, Collection<SecretLocation> locations);

}
