package io.github.infisicalawsauth.secrets;

/**
 * Generation of the Infisical server, as far as a secrets reader has learned it: it picks
 * the secrets route.
 *
 * @author Infisical AWS Auth contributors
 */
enum ServerGeneration {

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
