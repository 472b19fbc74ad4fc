package io.github.infisicalawsauth.test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A request received by an {@link InfisicalTestServer}, as it arrived on the wire.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class RecordedRequest {

	private final String method;

	private final String path;

	private final String rawPath;

	private final @Nullable String rawQuery;

	private final Map<String, String> queryParameters;

	private final Map<String, List<String>> headers;

	private final String body;

	RecordedRequest(String method, String path, String rawPath, @Nullable String rawQuery,
			Map<String, String> queryParameters, Map<String, List<String>> headers, String body) {
		this.method = method;
		this.path = path;
		this.rawPath = rawPath;
		this.rawQuery = rawQuery;
		this.queryParameters = Collections.unmodifiableMap(new LinkedHashMap<>(queryParameters));
		Map<String, List<String>> sortedHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.forEach((name, values) -> sortedHeaders.put(name, List.copyOf(values)));
		this.headers = Collections.unmodifiableMap(sortedHeaders);
		this.body = body;
	}

	/**
	 * Return the HTTP method.
	 * @return the method, for example {@code POST}
	 */
	public String method() {
		return this.method;
	}

	/**
	 * Return the decoded path, without the query.
	 * @return the path, for example {@code /api/v4/secrets}
	 */
	public String path() {
		return this.path;
	}

	String rawPath() {
		return this.rawPath;
	}

	@Nullable String rawQuery() {
		return this.rawQuery;
	}

	/**
	 * Return the decoded query parameters, the first value of each.
	 * @return the query parameters in the order they were sent
	 */
	public Map<String, String> queryParameters() {
		return this.queryParameters;
	}

	/**
	 * Return one decoded query parameter.
	 * @param name the parameter name
	 * @return the first value, or {@code null} if the parameter was not sent
	 */
	public @Nullable String queryParameter(String name) {
		return this.queryParameters.get(name);
	}

	/**
	 * Return the headers, with case-insensitive names.
	 * @return the headers
	 */
	public Map<String, List<String>> headers() {
		return this.headers;
	}

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the value, or {@code null} if the header was not sent
	 */
	public @Nullable String header(String name) {
		List<String> values = this.headers.get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * Return the body as UTF-8 text.
	 * @return the body, empty if there was none
	 */
	public String body() {
		return this.body;
	}

	@Override
	public String toString() {
		return this.method + " " + this.path;
	}

}
