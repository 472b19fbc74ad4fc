package io.github.infisicalawsauth.secrets;

import java.util.Set;

/**
 * Hears that polling found changed secrets and the application now serves them. It gets
 * names, never values.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@FunctionalInterface
public interface SecretsChangeListener {

	/**
	 * Secrets of a location changed.
	 * @param location the location
	 * @param names the names of the properties that were added, removed or changed
	 */
	void secretsChanged(SecretLocation location, Set<String> names);

}
