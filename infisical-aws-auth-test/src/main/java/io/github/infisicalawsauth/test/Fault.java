package io.github.infisicalawsauth.test;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A failure that an {@link InfisicalTestServer} injects instead of (or before) its normal
 * answer. Register faults with
 * {@link InfisicalTestServer#enqueueFaults(String, Fault...)} or
 * {@link InfisicalTestServer#failAlways(String, Fault)}; each request consumes the fault
 * registered for its path, whatever its route does with it.
 * <ul>
 * <li>On any route: {@link #status(int) an error status}, {@link #rateLimited(Duration)
 * 429 with Retry-After}, {@link #delay(Duration) a delay} before the normal answer,
 * {@link #malformedBody() a body that is not JSON}, {@link #oversizedBody(long) a
 * streamed body of any length}, {@link #dropConnection() a dropped connection}.</li>
 * <li>About AWS STS: {@link #stsRefusal(String, String) a refusal} and
 * {@link #stsUnreachable() no answer}. On the AWS IAM login route they stand in for the
 * replayed {@code GetCallerIdentity} and the server answers as its generation does; on
 * the server's {@link InfisicalTestServer#stsEndpoint() STS endpoint} they are STS's
 * answer; other routes ignore them.</li>
 * </ul>
 * Every answer of a fault carries the {@code Date} header of the server's clock, as
 * normal answers do.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class Fault {

	enum Kind {

		STATUS, RATE_LIMITED, RATE_LIMITED_UNTIL, DELAY, MALFORMED_BODY, DROP_CONNECTION, OVERSIZED_BODY, STS_REFUSAL,
		STS_UNREACHABLE

	}

	private final Kind kind;

	private final int statusCode;

	private final Duration duration;

	private final long bodyLength;

	private final @Nullable String stsErrorCode;

	private final @Nullable String stsErrorMessage;

	private Fault(Kind kind, int statusCode, Duration duration) {
		this(kind, statusCode, duration, 0, null, null);
	}

	private Fault(Kind kind, int statusCode, Duration duration, long bodyLength, @Nullable String stsErrorCode,
			@Nullable String stsErrorMessage) {
		this.kind = kind;
		this.statusCode = statusCode;
		this.duration = duration;
		this.bodyLength = bodyLength;
		this.stsErrorCode = stsErrorCode;
		this.stsErrorMessage = stsErrorMessage;
	}

	/**
	 * Answer with an error status and a JSON error body in the shape of the server's
	 * generation.
	 * @param statusCode the HTTP status, 400 to 599
	 * @return the fault
	 */
	public static Fault status(int statusCode) {
		return status(statusCode, Duration.ZERO);
	}

	/**
	 * Answer with an error status, as {@link #status(int)}, after a wait: a slow failure,
	 * as of a server behind a load balancer that is going down, during which requests
	 * sent at the same time overlap.
	 * @param statusCode the HTTP status, 400 to 599
	 * @param delay the time to wait before answering
	 * @return the fault
	 */
	public static Fault status(int statusCode, Duration delay) {
		if (statusCode < 400 || statusCode > 599) {
			throw new IllegalArgumentException("'statusCode' must be between 400 and 599");
		}
		checkNotNegative(delay, "delay");
		return new Fault(Kind.STATUS, statusCode, delay);
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
	 * Answer {@code 429} with a {@code Retry-After} header that is an HTTP date: the
	 * server clock's time plus the given wait, rounded up to whole seconds, as proxies
	 * and load balancers sometimes send it.
	 * @param retryAfter the time the client should wait
	 * @return the fault
	 */
	public static Fault rateLimitedUntil(Duration retryAfter) {
		checkNotNegative(retryAfter, "retryAfter");
		return new Fault(Kind.RATE_LIMITED_UNTIL, 429, retryAfter);
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

	/**
	 * Answer {@code 200} with an {@code application/json} body of exactly the given
	 * length, announced in {@code Content-Length}, as a misbehaving server or proxy
	 * might: for tests that a client limits what it reads. The body starts like a secrets
	 * answer, {@code {"secrets":[{"secretKey":"PAD","secretValue":"xxx...}, and from 50
	 * bytes on ends as valid JSON ({@code ..."}]}}); shorter bodies are cut from that
	 * text. The server streams the body and never holds it in memory, so it may be
	 * gigabytes long; when the client closes the connection early, the server stops
	 * writing. Works on any route.
	 * @param bytes the body length
	 * @return the fault
	 */
	public static Fault oversizedBody(long bytes) {
		if (bytes < 0) {
			throw new IllegalArgumentException("'bytes' must not be negative");
		}
		return new Fault(Kind.OVERSIZED_BODY, 200, Duration.ZERO, bytes, null, null);
	}

	/**
	 * Behave as if AWS STS refused the request with the given error. On the AWS IAM login
	 * route, the server checks the request as usual (body, identity, region) and then, in
	 * place of the replayed {@code GetCallerIdentity}, takes this refusal: the 2024
	 * generation answers {@code 500 Something went wrong}, the current one
	 * {@code 401 STS verification failed}, exactly as for a refusal of a badly signed
	 * request (neither passes the STS reason on). On the server's own
	 * {@link InfisicalTestServer#stsEndpoint() STS endpoint}, STS answers this error in
	 * its XML shape, {@code 403} ({@code 400} for malformed-input codes such as
	 * {@code ValidationError} or {@code Throttling}, {@code 500}/{@code 503} for
	 * {@code InternalFailure}/{@code ServiceUnavailable}). Other routes answer normally.
	 * @param code the STS error code, for example {@code SignatureDoesNotMatch} or
	 * {@code ExpiredToken}
	 * @param message the STS error message
	 * @return the fault
	 */
	public static Fault stsRefusal(String code, String message) {
		if (code == null || code.isEmpty()) {
			throw new IllegalArgumentException("'code' must not be empty");
		}
		if (message == null) {
			throw new IllegalArgumentException("'message' must not be null");
		}
		return new Fault(Kind.STS_REFUSAL, 0, Duration.ZERO, 0, code, message);
	}

	/**
	 * Behave as if AWS STS could not be reached. On the AWS IAM login route, after the
	 * usual checks of the request, both generations answer
	 * {@code 500 Something went wrong}. On the server's own
	 * {@link InfisicalTestServer#stsEndpoint() STS endpoint}, the connection is closed
	 * without an answer. Other routes answer normally.
	 * @return the fault
	 */
	public static Fault stsUnreachable() {
		return new Fault(Kind.STS_UNREACHABLE, 0, Duration.ZERO);
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

	long bodyLength() {
		return this.bodyLength;
	}

	boolean isAboutSts() {
		return this.kind == Kind.STS_REFUSAL || this.kind == Kind.STS_UNREACHABLE;
	}

	@Nullable String stsErrorCode() {
		return this.stsErrorCode;
	}

	@Nullable String stsErrorMessage() {
		return this.stsErrorMessage;
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
			case RATE_LIMITED_UNTIL -> "Fault.rateLimitedUntil(" + this.duration + ")";
			case DELAY -> "Fault.delay(" + this.duration + ")";
			case MALFORMED_BODY -> "Fault.malformedBody()";
			case DROP_CONNECTION -> "Fault.dropConnection()";
			case OVERSIZED_BODY -> "Fault.oversizedBody(" + this.bodyLength + ")";
			case STS_REFUSAL -> "Fault.stsRefusal(" + this.stsErrorCode + ", " + this.stsErrorMessage + ")";
			case STS_UNREACHABLE -> "Fault.stsUnreachable()";
		};
	}

}
