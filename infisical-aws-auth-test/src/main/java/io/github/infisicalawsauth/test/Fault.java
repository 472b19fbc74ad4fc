package io.github.infisicalawsauth.test;

import java.time.Duration;

/**
 * A failure that an {@link InfisicalTestServer} injects instead of (or before) its normal
 * answer. Register faults with
 * {@link InfisicalTestServer#enqueueFaults(String, Fault...)} or
 * {@link InfisicalTestServer#failAlways(String, Fault)}.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class Fault {

	enum Kind {

		STATUS, RATE_LIMITED, DELAY, MALFORMED_BODY, DROP_CONNECTION

	}

	private final Kind kind;

	private final int statusCode;

	private final Duration duration;

	private Fault(Kind kind, int statusCode, Duration duration) {
		this.kind = kind;
		this.statusCode = statusCode;
		this.duration = duration;
	}

	/**
	 * Answer with an error status and a JSON error body in the shape of the server's
	 * generation.
	 * @param statusCode the HTTP status, 400 to 599
	 * @return the fault
	 */
	public static Fault status(int statusCode) {
		if (statusCode < 400 || statusCode > 599) {
			throw new IllegalArgumentException("'statusCode' must be between 400 and 599");
		}
		return new Fault(Kind.STATUS, statusCode, Duration.ZERO);
	}

	/**
	 * Answer {@code 429} with a {@code Retry-After} header (whole seconds, rounded up)
	 * and the message {@code Rate limit exceeded. Please try again in N seconds}.
	 * @param retryAfter the time the client should wait
	 * @return the fault
	 */
	public static Fault rateLimited(Duration retryAfter) {
		checkNotNegative(retryAfter, "retryAfter");
		return new Fault(Kind.RATE_LIMITED, 429, retryAfter);
	}

	/**
	 * Wait, then handle the request normally. Other requests are not held up.
	 * @param delay the time to wait
	 * @return the fault
	 */
	public static Fault delay(Duration delay) {
		checkNotNegative(delay, "delay");
		return new Fault(Kind.DELAY, 0, delay);
	}

	/**
	 * Answer {@code 200} with a body that is not JSON although the content type says so,
	 * as a misconfigured proxy might.
	 * @return the fault
	 */
	public static Fault malformedBody() {
		return new Fault(Kind.MALFORMED_BODY, 200, Duration.ZERO);
	}

	/**
	 * Close the connection without sending any response.
	 * @return the fault
	 */
	public static Fault dropConnection() {
		return new Fault(Kind.DROP_CONNECTION, 0, Duration.ZERO);
	}

	private static void checkNotNegative(Duration duration, String name) {
		if (duration == null || duration.isNegative()) {
			throw new IllegalArgumentException("'" + name + "' must not be null or negative");
		}
	}

	Kind kind() {
		return this.kind;
	}

	int statusCode() {
		return this.statusCode;
	}

	Duration duration() {
		return this.duration;
	}

	long retryAfterSeconds() {
		long seconds = this.duration.getSeconds();
		return (this.duration.getNano() > 0) ? seconds + 1 : seconds;
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case STATUS -> "Fault.status(" + this.statusCode + ")";
			case RATE_LIMITED -> "Fault.rateLimited(" + this.duration + ")";
			case DELAY -> "Fault.delay(" + this.duration + ")";
			case MALFORMED_BODY -> "Fault.malformedBody()";
			case DROP_CONNECTION -> "Fault.dropConnection()";
		};
	}

}
