package io.github.infisicalawsauth.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.github.infisicalawsauth.InfisicalApiException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an error answer of the Infisical API into an {@link InfisicalApiException} that
 * carries what the server said ({@code statusCode}, {@code error}, {@code message},
 * {@code reqId}) and how long it asked to wait ({@code Retry-After}). Bodies that are not
 * Infisical's (a proxy's error page) are described, never quoted.
 *
 * @author Infisical AWS Auth contributors
 */
final class ErrorAnswers {

	private ErrorAnswers() {
	}

	/**
	 * Return the JSON mapper of error bodies and small answers, built on first use: the
	 * login and secrets paths read with the streaming parser and never need it.
	 * @return the mapper
	 */
	static JsonMapper mapper() {
		return Json.MAPPER;
	}

	/**
	 * Decode an error answer.
	 * @param answer the answer, its body cut to the start that matters
	 * @return the exception to throw
	 */
	static InfisicalApiException toException(InfisicalHttpClient.Response answer) {
		String error = null;
		String message = null;
		String reqId = null;
		try {
			JsonNode node = mapper().readTree(answer.body());
			if (node != null && node.isObject()) {
				error = text(node.get("error"));
				reqId = text(node.get("reqId"));
				message = message(node.get("message"));
			}
		}
		catch (JacksonException ex) {
			// not JSON: a proxy or load balancer answered; described below
		}
		if (message == null) {
			message = "no Infisical error body (" + answer.body().length + " bytes)";
		}
		return new InfisicalApiException(answer.description(), answer.status(), error, message, reqId,
				retryAfter(answer.retryAfter(), answer.date()), answer.date());
	}

	/**
	 * Parse a {@code Retry-After} header: seconds, or an HTTP date measured against the
	 * server's own {@code Date} so that a skewed local clock does not matter.
	 * @param header the header value, if any
	 * @param serverDate the answer's {@code Date} header, if any
	 * @return the wait, never negative, or {@code null} if there is none or it is
	 * malformed
	 */
	static @Nullable Duration retryAfter(@Nullable String header, @Nullable Instant serverDate) {
		if (header == null) {
			return null;
		}
		String value = header.trim();
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
		}
		catch (NumberFormatException ex) {
			try {
				Instant until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				Instant now = (serverDate != null) ? serverDate : Instant.now();
				Duration wait = Duration.between(now, until);
				return wait.isNegative() ? Duration.ZERO : wait;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	private static @Nullable String text(@Nullable JsonNode node) {
		return (node != null && node.isValueNode() && !node.isNull()) ? node.asString() : null;
	}

	private static @Nullable String message(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (node.isArray()) {
			// validation failures: [{path: [...], message: "Required"}, ...]
			List<String> issues = new ArrayList<>();
			for (JsonNode issue : node) {
				JsonNode path = issue.get("path");
				String where = (path != null && path.isArray()) ? joinPath(path) : "";
				String what = text(issue.get("message"));
				issues.add((where.isEmpty() ? "" : where + ": ") + ((what != null) ? what : issue.toString()));
			}
			return String.join("; ", issues);
		}
		return node.isValueNode() ? node.asString() : node.toString();
	}

	private static String joinPath(JsonNode path) {
		StringBuilder joined = new StringBuilder();
		for (JsonNode part : path) {
			if (!joined.isEmpty()) {
				joined.append('.');
			}
			joined.append(part.asString());
		}
		return joined.toString();
	}

	// built on first use, on the thread that logs in rather than the one that
	// starts the context
	private static final class Json {

		static final JsonMapper MAPPER = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();

	}

}
