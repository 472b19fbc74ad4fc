package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.infisicalawsauth.secrets.SecretLocation;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;

/**
 * A {@link SecretsChangeNotices} that imports project {@code p1}, environment {@code dev}
 * and records what it is told.
 *
 * @author Infisical AWS Auth contributors
 */
class RecordingNotices implements SecretsChangeNotices {

	final List<String> changed = new CopyOnWriteArrayList<>();

	final List<Duration> delays = new CopyOnWriteArrayList<>();

	final List<String> channels = new CopyOnWriteArrayList<>();

	@Override
	public Set<SecretLocation> importedLocations() {
		return Set.of(SecretLocation.of("p1", "dev", "/"));
	}

	@Override
	public boolean changed(String channel, String projectId, String environment, Duration delay) {
		this.changed.add(channel + " " + projectId + "/" + environment);
		this.delays.add(delay);
		return isImported(projectId, environment);
	}

	@Override
	public void channel(String channel, Collection<SecretLocation> locations, boolean active) {
		this.channels.add(channel + " " + locations.stream()
			.map((location) -> location.getProjectId() + ":" + location.getEnvironment() + ":" + location.getPath())
			.toList() + " " + active);
	}

	@Override
	public void resync(String channel, Collection<SecretLocation> locations) {
	}

}
