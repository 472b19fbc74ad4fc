package io.github.infisicalawsauth.test;

/**
 * How the {@link EventStreams event streams} of a test server match a registration's
 * {@code conditions} against a change. Infisical changed it between server versions, so a
 * client must register in a way that works with both.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public enum EventMatching {

	/**
	 * Current servers: a registration matches a change in the environment named by
	 * {@code environmentSlug} ({@code ""} when it is missing, which no change has: such a
	 * registration matches nothing) whose folder path matches {@code secretPath} as a
	 * glob, as webhook paths do ({@code /app} only that folder, {@code /app/**} the
	 * folder and everything below it; {@code /} when missing).
	 */
	GLOB,

	/**
	 * Earlier servers, as Infisical's protocol notes describe them: a registration
	 * matches a change in the environment named by {@code environmentSlug} (any
	 * environment when it is missing) whose folder path starts with {@code secretPath}
	 * ({@code /} when missing), as a plain string prefix ({@code /app} also matches
	 * {@code /application}).
	 */
	PREFIX

}
