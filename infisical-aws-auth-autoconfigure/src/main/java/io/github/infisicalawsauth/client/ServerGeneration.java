package io.github.infisicalawsauth.client;

/**
 * Generation of the Infisical server, as far as a client has learned it.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public enum ServerGeneration {

	/**
	 * Not known yet: no secrets were read.
	 */
	UNKNOWN,

	/**
	 * A current server, with {@code /api/v4/secrets}.
	 */
	CURRENT,

	/**
	 * A server before 2025 (the October 2024 generation), without {@code /api/v4}.
	 */
	V2024

}
