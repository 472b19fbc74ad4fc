package io.github.infisicalawsauth.autoconfigure.config;

import java.util.Objects;

import io.github.infisicalawsauth.secrets.SecretLocation;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.config.ConfigDataResource;

/**
 * One {@code infisical:} import: a {@link SecretLocation} and the prefix to put before
 * its secret keys. Its {@link #toString()} holds no secret.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalConfigDataResource extends ConfigDataResource {

	private final @Nullable SecretLocation location;

	private final String prefix;

	private final boolean optional;

	/**
	 * Create a resource.
	 * @param location the location to read
	 * @param prefix the prefix of the property names, empty for none
	 * @param optional whether the import was marked {@code optional:}
	 */
	public InfisicalConfigDataResource(SecretLocation location, String prefix, boolean optional) {
		super(optional);
		this.location = Objects.requireNonNull(location, "'location' must not be null");
		this.prefix = Objects.requireNonNull(prefix, "'prefix' must not be null");
		this.optional = optional;
	}

	private InfisicalConfigDataResource(boolean optional) {
		super(optional);
		this.location = null;
		this.prefix = "";
		this.optional = optional;
	}

	/**
	 * Create the resource of an import while {@code infisical.enabled} is false: it loads
	 * nothing, so that turning Infisical off does not break a required import.
	 * @param optional whether the import was marked {@code optional:}
	 * @return the resource
	 */
	static InfisicalConfigDataResource disabled(boolean optional) {
		return new InfisicalConfigDataResource(optional);
	}

	/**
	 * Whether {@code infisical.enabled} was false: nothing is read.
	 * @return {@code true} if disabled
	 */
	public boolean isDisabled() {
		return this.location == null;
	}

	/**
	 * Return the location to read.
	 * @return the location
	 * @throws IllegalStateException if the resource is {@link #isDisabled() disabled}
	 */
	public SecretLocation getLocation() {
		if (this.location == null) {
			throw new IllegalStateException("Infisical is disabled: this import reads nothing");
		}
		return this.location;
	}

	/**
	 * Return the prefix of the property names.
	 * @return the prefix, empty for none
	 */
	public String getPrefix() {
		return this.prefix;
	}

	/**
	 * Whether the import was marked {@code optional:}.
	 * @return {@code true} if a missing or unreachable location is tolerated
	 */
	public boolean isOptional() {
		return this.optional;
	}

	/**
	 * Return the name of the property source of this resource, unique per location and
	 * prefix and stable across refreshes. It ends with {@code -systemEnvironment} so that
	 * Spring's relaxed binding maps {@code DB_PASSWORD} to {@code db.password}.
	 * @return the property source name
	 */
	public String getPropertySourceName() {
		SecretLocation location = getLocation();
		StringBuilder name = new StringBuilder("infisical:").append(location.getProjectId())
			.append(':')
			.append(location.getEnvironment())
			.append(':')
			.append(location.getPath());
		if (!this.prefix.isEmpty()) {
			name.append("?prefix=").append(this.prefix);
		}
		return name.append("-systemEnvironment").toString();
	}

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof InfisicalConfigDataResource other)) {
			return false;
		}
		return Objects.equals(this.location, other.location) && this.prefix.equals(other.prefix);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.location, this.prefix);
	}

	@Override
	public String toString() {
		if (this.location == null) {
			return "InfisicalConfigDataResource[disabled]";
		}
		return "InfisicalConfigDataResource[" + this.location.describe()
				+ (this.prefix.isEmpty() ? "" : ", prefix '" + this.prefix + "'")
				+ (this.location.isRecursive() ? ", recursive" : "") + "]";
	}

}
