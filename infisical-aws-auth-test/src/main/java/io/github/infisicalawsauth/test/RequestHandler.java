package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.jspecify.annotations.Nullable;

/**
 * Receives every request: records it, applies faults, routes it and writes the answer.
 *
 * @author Infisical AWS Auth contributors
 */
final class RequestHandler implements LoopbackHttpServer.Handler {

	private static final Logger logger = Logger.getLogger(InfisicalTestServer.class.getName());

	private static final String REQUEST_ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private static final SecureRandom random = new SecureRandom();

	private static final byte[] OVERSIZED_START = "{\"secrets\":[{\"secretKey\":\"PAD\",\"secretValue\":\""
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] OVERSIZED_END = "\"}]}".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] OVERSIZED_SHORTEST = "{\"secrets\":[{\"secretKey\":\"PAD\",\"secretValue\":\"\"}]}"
		.getBytes(StandardCharsets.US_ASCII);

	/**
	 * Padding written piece by piece: the body is never held in memory as a whole.
	 */
	private static final byte[] OVERSIZED_PADDING = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);

	private final InfisicalTestServer server;

	private final Generation generation;

	private final AuthRoutes authRoutes;

	private final SecretRoutes secretRoutes;

	private final FolderRoutes folderRoutes;

	private final StsRoutes stsRoutes;

	private final EventRoutes eventRoutes;

	RequestHandler(InfisicalTestServer server) {
		this.server = server;
		this.generation = server.generation();
		this.authRoutes = new AuthRoutes(server);
		this.secretRoutes = new SecretRoutes(server);
		this.folderRoutes = new FolderRoutes(server);
		this.stsRoutes = new StsRoutes(server);
		this.eventRoutes = new EventRoutes(server);
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		RecordedRequest request;
		try {
			request = read(exchange);
		}
		catch (URISyntaxException ex) {
			write(exchange, Reply.json(400, ApiError.badRequest("Malformed request target").toJson(null)));
			return;
		}
		this.server.record(request);
		this.server.requestStarted(request.path());
		try {
			Fault fault = this.server.faults().next(request.path());
			if (fault != null && applyFault(fault, request, exchange)) {
				return;
			}
			if (this.eventRoutes.isSubscription(request)) {
				subscribe(request, exchange);
				return;
			}
			Reply reply = answer(request, exchange.body(), (fault != null && fault.isAboutSts()) ? fault : null);
			logger.fine(() -> request.method() + " " + request.path() + " -> " + reply.status());
			write(exchange, reply);
		}
		finally {
			this.server.requestEnded(request.path());
		}
	}

	private void subscribe(RecordedRequest request, HttpExchange exchange) throws IOException {
		EventStreams.Stream stream;
		try {
			stream = this.server.eventStreams().open(this.eventRoutes.subscribe(request));
		}
		catch (ApiError ex) {
			logger.fine(() -> request.method() + " " + request.path() + " -> " + ex.status());
			write(exchange, error(ex));
			return;
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Test server failed on " + request, ex);
			write(exchange, error(ApiError.internal()));
			return;
		}
		logger.fine(() -> request.method() + " " + request.path() + " -> 200 (stream)");
		this.server.eventStreams().serve(stream, exchange);
	}

	private Reply answer(RecordedRequest request, byte[] body, @Nullable Fault stsFault) {
		try {
			return route(request, body, stsFault);
		}
		catch (ApiError ex) {
			return error(ex);
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Test server failed on " + request, ex);
			return error(ApiError.internal());
		}
	}

	private Reply route(RecordedRequest request, byte[] body, @Nullable Fault stsFault) {
		String method = request.method();
		String path = request.path();
		if ("POST".equals(method)) {
			switch (path) {
				case StsRoutes.PATH:
					return this.stsRoutes.handle(request, body);
				case InfisicalTestServer.LOGIN_PATH:
					return this.authRoutes.login(request, stsFault);
				case InfisicalTestServer.RENEW_PATH:
					return this.authRoutes.renew(request);
				case InfisicalTestServer.REVOKE_PATH:
					return this.authRoutes.revoke(request);
				default:
					throw ApiError.routeNotFound(method, path);
			}
		}
		if ("GET".equals(method)) {
			if (path.equals(FolderRoutes.PATH)) {
				return this.folderRoutes.list(request);
			}
			if (path.equals(SecretRoutes.V3_PATH)) {
				return this.secretRoutes.list(request, false);
			}
			if (this.generation.hasV4Routes() && path.equals(SecretRoutes.V4_PATH)) {
				return this.secretRoutes.list(request, true);
			}
			String name = secretName(request, SecretRoutes.V3_PATH);
			if (name != null) {
				return this.secretRoutes.single(request, false, name);
			}
			name = this.generation.hasV4Routes() ? secretName(request, SecretRoutes.V4_PATH) : null;
			if (name != null) {
				return this.secretRoutes.single(request, true, name);
			}
		}
		throw ApiError.routeNotFound(method, path);
	}

	private @Nullable String secretName(RecordedRequest request, String listPath) {
		String rawPath = request.rawPath();
		String prefix = listPath + "/";
		if (!rawPath.startsWith(prefix)) {
			return null;
		}
		String rawName = rawPath.substring(prefix.length());
		if (rawName.isEmpty() || rawName.contains("/")) {
			return null;
		}
		return percentDecode(rawName);
	}

	private boolean applyFault(Fault fault, RecordedRequest request, HttpExchange exchange) throws IOException {
		logger.fine(() -> request.method() + " " + request.path() + " -> " + fault);
		switch (fault.kind()) {
			case DELAY -> {
				try {
					Thread.sleep(fault.duration().toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return true;
				}
				return false;
			}
			case DROP_CONNECTION -> {
				exchange.drop();
				return true;
			}
			case MALFORMED_BODY -> {
				write(exchange, Reply.json(200, "<html>oops".getBytes(StandardCharsets.UTF_8)));
				return true;
			}
			case RATE_LIMITED -> {
				long seconds = fault.retryAfterSeconds();
				ApiError error = ApiError.of(429, "Too Many Requests",
						"Rate limit exceeded. Please try again in " + seconds + " seconds");
				write(exchange, error(error).withHeader("Retry-After", Long.toString(seconds)));
				return true;
			}
			case RATE_LIMITED_UNTIL -> {
				Instant until = this.server.clock().instant().plusSeconds(fault.retryAfterSeconds());
				ApiError error = ApiError.of(429, "Too Many Requests", "Rate limit exceeded. Please try again later");
				write(exchange, error(error).withHeader("Retry-After", HttpExchange.HTTP_DATE.format(until)));
				return true;
			}
			case STATUS -> {
				if (!fault.duration().isZero()) {
					try {
						Thread.sleep(fault.duration().toMillis());
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return true;
					}
				}
				write(exchange, error(statusError(fault.statusCode())));
				return true;
			}
			case OVERSIZED_BODY -> {
				writeOversizedBody(exchange, fault.bodyLength());
				return true;
			}
			case STS_REFUSAL, STS_UNREACHABLE -> {
				if (!"POST".equals(request.method()) || !StsRoutes.PATH.equals(request.path())) {
					// the login route takes it as the answer of STS; others ignore it
					return false;
				}
				if (fault.kind() == Fault.Kind.STS_UNREACHABLE) {
					exchange.drop();
				}
				else {
					write(exchange, StsRoutes.error(fault.stsErrorCode(), fault.stsErrorMessage()));
				}
				return true;
			}
		}
		return false;
	}

	private static void writeOversizedBody(HttpExchange exchange, long length) throws IOException {
		exchange.sendStreamed(200, Map.of("Content-Type", Reply.JSON_CONTENT_TYPE), length, (output) -> {
			if (length < OVERSIZED_START.length + OVERSIZED_END.length) {
				output.write(OVERSIZED_SHORTEST, 0, (int) length);
				return;
			}
			output.write(OVERSIZED_START);
			long padding = length - OVERSIZED_START.length - OVERSIZED_END.length;
			while (padding > 0) {
				int piece = (int) Math.min(OVERSIZED_PADDING.length, padding);
				output.write(OVERSIZED_PADDING, 0, piece);
				padding -= piece;
			}
			output.write(OVERSIZED_END);
		});
	}

	private static ApiError statusError(int status) {
		return switch (status) {
			case 400 -> ApiError.badRequest("Bad request");
			case 401 -> ApiError.unauthorized("You are not authorized to access this resource");
			case 403 -> ApiError.of(403, "ForbiddenError", "You are not allowed to access this resource");
			case 404 -> ApiError.notFound("Not found");
			case 429 -> ApiError.of(429, "Too Many Requests", "Rate limit exceeded. Please try again in 60 seconds");
			case 500 -> ApiError.internal();
			case 502 -> ApiError.of(502, "Bad Gateway", "Bad Gateway");
			case 503 -> ApiError.of(503, "Service Unavailable", "Service Unavailable");
			case 504 -> ApiError.of(504, "Gateway Timeout", "Gateway Timeout");
			default -> ApiError.of(status, "Error", "HTTP " + status);
		};
	}

	private Reply error(ApiError error) {
		String requestId = this.generation.sendsRequestId() ? newRequestId() : null;
		return Reply.json(error.status(), error.toJson(requestId));
	}

	private static String newRequestId() {
		StringBuilder id = new StringBuilder("req-");
		for (int i = 0; i < 14; i++) {
			id.append(REQUEST_ID_CHARACTERS.charAt(random.nextInt(REQUEST_ID_CHARACTERS.length())));
		}
		return id.toString();
	}

	private static RecordedRequest read(HttpExchange exchange) throws URISyntaxException {
		URI target = new URI(exchange.target());
		String path = (target.getPath() != null) ? target.getPath() : exchange.target();
		String rawPath = (target.getRawPath() != null) ? target.getRawPath() : exchange.target();
		return new RecordedRequest(exchange.method(), path, rawPath, target.getRawQuery(),
				parseQuery(target.getRawQuery()), exchange.headers(),
				new String(exchange.body(), StandardCharsets.UTF_8));
	}

	private static Map<String, String> parseQuery(@Nullable String rawQuery) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (rawQuery == null || rawQuery.isEmpty()) {
			return parameters;
		}
		for (String pair : rawQuery.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = (equals >= 0) ? pair.substring(0, equals) : pair;
			String value = (equals >= 0) ? pair.substring(equals + 1) : "";
			parameters.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
					URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return parameters;
	}

	private static String percentDecode(String raw) {
		try {
			return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return raw;
		}
	}

	private static void write(HttpExchange exchange, Reply reply) throws IOException {
		exchange.send(reply.status(), reply.headers(), reply.body());
	}

}
