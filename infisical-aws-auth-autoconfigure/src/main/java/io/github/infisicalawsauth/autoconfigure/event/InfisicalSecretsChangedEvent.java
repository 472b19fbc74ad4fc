package io.github.infisicalawsauth.autoconfigure.event;

import java.util.Set;

import io.github.infisicalawsauth.secrets.SecretLocation;

/**
 * Published when polling found changed secrets in an imported location and the
 * application now serves them. It names the changed properties, never their values.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public class InfisicalSecretsChangedEvent extends InfisicalEvent {

	private final SecretLocation location;

	private final Set<String> names;

	/**
	 * Create a new event.
	 * @param source what published the event
	 * @param location the location whose secrets changed
	 * @param names the names of the properties added, removed or changed
	 */
	public InfisicalSecretsChangedEvent(Object source, SecretLocation location, Set<String> names) {
		super(source);
		this.location = location;
		this.names = Set.copyOf(names);
	}

	/**
	 * Return the location whose secrets changed.
	 * @return the location
	 */
	public SecretLocation getLocation() {
		return this.location;
	}

	/**
	 * Return the names of the properties added, removed or changed.
	 * @return the names
	 */
	public Set<String> getNames() {
		return this.names;
	}

	@Override
	public String toString() {
		return "InfisicalSecretsChangedEvent[" + this.location.describe() + ", " + this.names + "]";
	}

}
