package io.github.infisicalawsauth.test;

/**
 * Shape of the {@code data:} of the secret events on an {@link EventStreams event
 * stream}. Infisical's documentation and its server code disagree, so a client must read
 * both.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public enum EventPayload {

	/**
	 * The documented shape, an array of changed secrets under {@code eventType}:
	 * <pre class="code">
	 * {"data":{"eventType":"secret:update","payload":[{"environment":"dev","secretPath":"/app","secretKey":"DB_URL"}]}}
	 * </pre> An import mutation names no {@code secretKey}.
	 */
	DOCUMENTED,

	/**
	 * The shape of the server code: {@code type} and {@code secretKeys},
	 * <pre class="code">
	 * {"data":{"type":"secret:update","payload":[{"environment":"dev","secretPath":"/app","secretKeys":["DB_URL"]}]}}
	 * </pre> and, for an import mutation, an object instead of an array:
	 * <pre class="code">
	 * {"data":{"type":"secret:import-mutation","payload":{"environment":"dev","secretPath":"/app"}}}
	 * </pre>
	 */
	SERVER_CODE

}
