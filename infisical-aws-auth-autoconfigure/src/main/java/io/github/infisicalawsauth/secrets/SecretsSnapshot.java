package io.github.infisicalawsauth.secrets;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The secrets of one {@link SecretLocation} as read at one time: imports merged, the
 * folder's own secrets winning, with the {@code ETag} of the answer for conditional
 * reads. Its {@link #toString()} shows no value.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class SecretsSnapshot {

	private final SecretLocation location;

	private final Map<String, String> secrets;

	private final @Nullable String etag;

	SecretsSnapshot(SecretLocation location, Map<String, String> secrets, @Nullable String etag, boolean copy) {
		this.location = location;
		// a read hands over a map of its own: a large folder is not held twice
		this.secrets = Collections.unmodifiableMap(copy ? new LinkedHashMap<>(secrets) : secrets);
		this.etag = etag;
	}

	/**
	 * Create a snapshot, for example to test code that consumes one.
	 * @param location the location that was read
	 * @param secrets the secrets by key
	 * @param etag the {@code ETag} of the answer, or {@code null}
	 * @return the snapshot
	 */
	public static SecretsSnapshot of(SecretLocation location, Map<String, String> secrets, @Nullable String etag) {
		if (location == null || secrets == null) {
			throw new IllegalArgumentException("'location' and 'secrets' must not be null");
		}
		return new SecretsSnapshot(location, secrets, etag, true);
	}

	/**
	 * Return the location that was read.
	 * @return the location
	 */
	public SecretLocation getLocation() {
		return this.location;
	}

	/**
	 * Return the secrets by key, in the server's order.
	 * @return an unmodifiable map of key to value
	 */
	public Map<String, String> getSecrets() {
		return this.secrets;
	}

	/**
	 * Return the {@code ETag} of the answer, if the server sent one.
	 * @return the ETag or {@code null}
	 */
	public @Nullable String getEtag() {
		return this.etag;
	}

	@Override
	public String toString() {
		return "SecretsSnapshot[" + this.location.describe() + ", keys=" + this.secrets.keySet() + "]";
	}

}
