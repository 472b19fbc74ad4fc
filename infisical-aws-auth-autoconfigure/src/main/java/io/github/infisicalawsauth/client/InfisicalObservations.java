package io.github.infisicalawsauth.client;

import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalConnectionException;
import io.github.infisicalawsauth.InfisicalException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Micrometer observations of the calls made to Infisical: one observation named
 * {@value #NAME} per login, renewal, revocation and secrets read, with low-cardinality
 * tags only ({@value #OPERATION}, {@value #OUTCOME}, {@value #SERVER_GENERATION},
 * {@value #STATUS_CLASS}). Nothing that identifies a token, a project or a secret is
 * recorded.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalObservations {

	/**
	 * Name of the observations (and of the timer Micrometer derives from them).
	 */
	public static final String NAME = "infisical.requests";

	/**
	 * Tag naming the call: {@code login}, {@code token.renew}, {@code token.revoke},
	 * {@code secrets.read}.
	 */
	public static final String OPERATION = "operation";

	/**
	 * Tag with the outcome: {@code SUCCESS}, {@code CLIENT_ERROR}, {@code SERVER_ERROR},
	 * {@code UNREACHABLE} or {@code FAILURE}.
	 */
	public static final String OUTCOME = "outcome";

	/**
	 * Tag with the server generation as the secrets reads learned it: {@code current},
	 * {@code v2024} or {@code unknown}.
	 */
	public static final String SERVER_GENERATION = "server.generation";

	/**
	 * Tag with the class of the HTTP status: {@code 2xx} to {@code 5xx}, or {@code none}.
	 */
	public static final String STATUS_CLASS = "http.status.class";

	private InfisicalObservations() {
	}

	/**
	 * Observe one call.
	 * @param <T> the result type
	 * @param registry the registry, {@link ObservationRegistry#NOOP} for none
	 * @param operation the operation tag
	 * @param generation the server generation tag, read when the call ended:
	 * {@code current}, {@code v2024} or {@code unknown} (which the token calls do not
	 * tell)
	 * @param status the HTTP status of a successful result
	 * @param call the call
	 * @return the result of the call
	 */
	public static <T> T observe(ObservationRegistry registry, String operation, Supplier<String> generation,
			ToIntFunction<T> status, Supplier<T> call) {
		if (registry.isNoop()) {
			// nothing would be recorded: spare the observation machinery at startup
			return call.get();
		}
		Observation observation = Observation.createNotStarted(NAME, registry)
			.contextualName("infisical " + operation)
			.lowCardinalityKeyValue(OPERATION, operation)
			.start();
		try {
			T result = call.get();
			tag(observation, "SUCCESS", statusClass(status.applyAsInt(result)), generation);
			return result;
		}
		catch (RuntimeException ex) {
			tag(observation, outcome(ex), statusClass(ex), generation);
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private static void tag(Observation observation, String outcome, String statusClass, Supplier<String> generation) {
		observation.lowCardinalityKeyValue(OUTCOME, outcome)
			.lowCardinalityKeyValue(STATUS_CLASS, statusClass)
			.lowCardinalityKeyValue(SERVER_GENERATION, generation.get());
	}

	private static String outcome(RuntimeException ex) {
		InfisicalApiException api = api(ex);
		if (api != null) {
			return (api.getStatusCode() >= 500) ? "SERVER_ERROR" : "CLIENT_ERROR";
		}
		return (connection(ex)) ? "UNREACHABLE" : "FAILURE";
	}

	private static String statusClass(RuntimeException ex) {
		InfisicalApiException api = api(ex);
		return (api != null) ? statusClass(api.getStatusCode()) : "none";
	}

	private static String statusClass(int status) {
		return (status >= 100 && status < 600) ? (status / 100) + "xx" : "none";
	}

	private static InfisicalApiException api(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof InfisicalApiException api) {
				return api;
			}
			if (!(cause instanceof InfisicalException)) {
				return null;
			}
		}
		return null;
	}

	private static boolean connection(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof InfisicalConnectionException) {
				return true;
			}
		}
		return false;
	}

}
