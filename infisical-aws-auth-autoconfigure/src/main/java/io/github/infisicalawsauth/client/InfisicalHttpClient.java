package io.github.infisicalawsauth.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.github.infisicalawsauth.InfisicalApiException;
import io.github.infisicalawsauth.InfisicalConnectionException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.ByteArrayHttpMessageConverter;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Speaks JSON over HTTP to the Infisical API: the transport only. Error answers become
 * {@link InfisicalApiException}s (see {@link ErrorAnswers}). The client does not retry:
 * callers decide, because a login, a background refresh and a secret read retry
 * differently.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalHttpClient implements AutoCloseable {

	private final InfisicalSiteUrl siteUrl;

	private final RestClient restClient;

	/**
	 * Default largest answer read: room for some 15 000 secrets.
	 */
	public static final long DEFAULT_MAX_RESPONSE_SIZE = 8L * 1024 * 1024;

	// an error answer is only read for its message
	private static final int MAX_ERROR_BODY_SIZE = 64 * 1024;

	private static final byte[] NO_BODY = new byte[0];

	// streaming only: logins, renewals and secrets reads need no object mapper
	private static final JsonFactory JSON_FACTORY = new JsonFactory();

	private final ClientHttpRequestFactory requestFactory;

	private final @Nullable HttpClient httpClient;

	private final long maxResponseSize;

	/**
	 * Create a client that reads answers of up to {@value #DEFAULT_MAX_RESPONSE_SIZE}
	 * bytes.
	 * @param siteUrl the Infisical site
	 * @param requestFactory the HTTP request factory, carrying timeouts and TLS settings
	 */
	public InfisicalHttpClient(InfisicalSiteUrl siteUrl, ClientHttpRequestFactory requestFactory) {
		this(siteUrl, requestFactory, DEFAULT_MAX_RESPONSE_SIZE);
	}

	/**
	 * Create a client.
	 * @param siteUrl the Infisical site
	 * @param requestFactory the HTTP request factory, carrying timeouts and TLS settings
	 * @param maxResponseSize the largest answer body read, in bytes; a larger one fails
	 * the call instead of filling the heap
	 */
	public InfisicalHttpClient(InfisicalSiteUrl siteUrl, ClientHttpRequestFactory requestFactory,
			long maxResponseSize) {
		this(siteUrl, requestFactory, null, maxResponseSize);
	}

	/**
	 * Create a client over a JDK {@link HttpClient}, which it owns: {@link #close()}
	 * closes it where the JDK allows (21 and later), so that the JVM need not wait for
	 * its selector thread at exit.
	 * @param siteUrl the Infisical site
	 * @param httpClient the JDK client, carrying the connect timeout, TLS and proxy
	 * settings
	 * @param readTimeout how long to wait for an answer
	 * @param maxResponseSize the largest answer body read, in bytes
	 */
	public InfisicalHttpClient(InfisicalSiteUrl siteUrl, HttpClient httpClient, Duration readTimeout,
			long maxResponseSize) {
		this(siteUrl, jdkRequestFactory(httpClient, readTimeout), httpClient, maxResponseSize);
	}

	private InfisicalHttpClient(InfisicalSiteUrl siteUrl, ClientHttpRequestFactory requestFactory,
			@Nullable HttpClient httpClient, long maxResponseSize) {
		if (maxResponseSize < 1 || maxResponseSize > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("'maxResponseSize' must be between 1 byte and 2 GB");
		}
		this.siteUrl = siteUrl;
		this.requestFactory = requestFactory;
		this.httpClient = httpClient;
		this.maxResponseSize = maxResponseSize;
		// bodies go in and out as bytes: the default converters (and the JSON mapper
		// they would build at startup) are never used
		this.restClient = RestClient.builder()
			.requestFactory(requestFactory)
			.messageConverters(List.of(new ByteArrayHttpMessageConverter()))
			.build();
	}

	private static ClientHttpRequestFactory jdkRequestFactory(HttpClient httpClient, Duration readTimeout) {
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(readTimeout);
		return requestFactory;
	}

	/**
	 * Release the connections of the request factory (Apache HttpClient and Jetty keep a
	 * pool) or close the JDK client this client owns; on JDK 17 a JDK client cannot be
	 * closed and stops when it is no longer referenced.
	 */
	@Override
	public void close() {
		try {
			if (this.httpClient instanceof AutoCloseable closeable) {
				closeable.close();
			}
			else if (this.requestFactory instanceof DisposableBean disposable) {
				disposable.destroy();
			}
			else if (this.requestFactory instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}
		catch (Exception ex) {
			// nothing left to do with a client that is going away
		}
	}

	// an event stream is a long answer read line by line, past the read timeout
	@Nullable HttpClient jdkHttpClient() {
		return this.httpClient;
	}

	/**
	 * Return the site this client talks to.
	 * @return the site URL
	 */
	public InfisicalSiteUrl getSiteUrl() {
		return this.siteUrl;
	}

	/**
	 * POST a JSON object of strings without authentication and read the JSON answer as it
	 * arrives.
	 * @param <T> the type read
	 * @param path the path below {@code /api}, for example {@code /v1/auth/token/renew}
	 * @param body the properties of the request body, in order
	 * @param reader reads a successful answer
	 * @return what the reader returned
	 * @throws InfisicalApiException for an error answer or a body that is not the
	 * expected JSON
	 * @throws InfisicalConnectionException when the server cannot be reached
	 */
	public <T> T post(String path, Map<String, String> body, JsonReader<T> reader) {
		URI uri = UriComponentsBuilder.fromUri(this.siteUrl.apiBase()).path(path).build(true).toUri();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
		try (JsonGenerator generator = JSON_FACTORY.createGenerator(ObjectWriteContext.empty(), bytes)) {
			generator.writeStartObject();
			body.forEach(generator::writeStringProperty);
			generator.writeEndObject();
		}
		T answer = exchange(HttpMethod.POST, uri, "POST /api" + path, bytes.toByteArray(), null, null,
				(head, in) -> readJson(head, in, reader), (head) -> null);
		return Objects.requireNonNull(answer);
	}

	/**
	 * GET a JSON resource with a bearer token.
	 * @param path the path below {@code /api}; segments must already be encoded, see
	 * {@link #encodePathSegment(String)}
	 * @param query the query parameters, encoded by this method
	 * @param accessToken the access token
	 * @param ifNoneMatch the ETag of the last answer, for a conditional request
	 * @return the answer, which is {@code 304} when nothing changed
	 * @throws InfisicalApiException for an error answer
	 * @throws InfisicalConnectionException when the server cannot be reached
	 */
	public Response get(String path, Map<String, String> query, String accessToken, @Nullable String ifNoneMatch) {
		return exchange(HttpMethod.GET, uri(path, query), "GET /api" + path, null, accessToken, ifNoneMatch,
				this::readBytes, Function.identity());
	}

	/**
	 * GET a JSON resource with a bearer token and read the answer as it arrives, without
	 * holding the whole body in memory.
	 * @param <T> the type read
	 * @param uri the resource, see {@link #uri(String, Map)}
	 * @param accessToken the access token
	 * @param ifNoneMatch the ETag of the last answer, for a conditional request
	 * @param reader reads a successful answer
	 * @return what the reader returned, or {@code null} if the answer is {@code 304}
	 * @throws InfisicalApiException for an error answer or a body that is not the
	 * expected JSON
	 * @throws InfisicalConnectionException when the server cannot be reached
	 */
	public <T> @Nullable T get(URI uri, String accessToken, @Nullable String ifNoneMatch, JsonReader<T> reader) {
		String base = this.siteUrl.apiBase().getRawPath();
		String path = uri.getRawPath();
		String description = "GET /api" + (path.startsWith(base) ? path.substring(base.length()) : path);
		return exchange(HttpMethod.GET, uri, description, null, accessToken, ifNoneMatch,
				(head, body) -> readJson(head, body, reader), (head) -> null);
	}

	/**
	 * Build the URI of a resource of the site.
	 * @param path the path below {@code /api}; segments must already be encoded
	 * @param query the query parameters, encoded by this method
	 * @return the URI
	 */
	public URI uri(String path, Map<String, String> query) {
		UriComponentsBuilder builder = UriComponentsBuilder.fromUri(this.siteUrl.apiBase()).path(path);
		query.forEach(
				(name, value) -> builder.queryParam(name, UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8)));
		return builder.build(true).toUri();
	}

	/**
	 * Encode a value, such as a secret name, for use as one path segment.
	 * @param segment the raw value
	 * @return the encoded segment
	 */
	public static String encodePathSegment(String segment) {
		return UriUtils.encodePathSegment(segment, StandardCharsets.UTF_8);
	}

	private <R> R exchange(HttpMethod method, URI uri, String description, byte @Nullable [] body,
			@Nullable String accessToken, @Nullable String ifNoneMatch, BodyHandler<R> handler,
			Function<Response, R> notModified) {
		RestClient.RequestBodySpec request = this.restClient.method(method).uri(uri).accept(MediaType.APPLICATION_JSON);
		if (accessToken != null) {
			request.header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken);
		}
		if (ifNoneMatch != null) {
			request.header(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
		}
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		try {
			return request.exchange((req, res) -> {
				int status = res.getStatusCode().value();
				HttpHeaders headers = res.getHeaders();
				Response head = new Response(description, status, headers.getETag(),
						headers.getFirst(HttpHeaders.RETRY_AFTER), serverDate(headers), NO_BODY);
				if (status == 304) {
					return notModified.apply(head);
				}
				if (status >= 300) {
					// redirects are not followed: a POST must not silently go elsewhere.
					// Only the start of an error page matters; the rest is dropped with
					// the connection
					throw ErrorAnswers.toException(head.withBody(res.getBody().readNBytes(MAX_ERROR_BODY_SIZE)));
				}
				long contentLength = headers.getContentLength();
				if (contentLength > this.maxResponseSize) {
					throw tooLarge(description, status, contentLength + " bytes");
				}
				return handler.handle(head, new BoundedInputStream(res.getBody(), this.maxResponseSize));
			}, true);
		}
		catch (ResourceAccessException ex) {
			if (ex.getCause() instanceof BoundedInputStream.TooLarge) {
				throw tooLarge(description, 200, "more than " + this.maxResponseSize + " bytes");
			}
			throw new InfisicalConnectionException(description + " failed: cannot reach Infisical at "
					+ this.siteUrl.apiBase() + " (" + rootMessage(ex) + ")", ex);
		}
	}

	private Response readBytes(Response head, InputStream body) throws IOException {
		return head.withBody(body.readAllBytes());
	}

	private <T> T readJson(Response head, InputStream body, JsonReader<T> reader) {
		try (JsonParser parser = JSON_FACTORY.createParser(ObjectReadContext.empty(), body)) {
			return reader.read(parser, head);
		}
		catch (JacksonException ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof BoundedInputStream.TooLarge) {
					throw tooLarge(head.description(), head.status(), "more than " + this.maxResponseSize + " bytes");
				}
				if (cause instanceof IOException io && !(cause instanceof JacksonException)) {
					throw new InfisicalConnectionException(head.description() + " failed: the answer of Infisical at "
							+ this.siteUrl.apiBase() + " broke off (" + rootMessage(io) + ")", io);
				}
			}
			// Jackson's own message may quote the body, and so a secret: only where
			TokenStreamLocation where = ex.getLocation();
			throw head
				.malformed("a body that is not the expected JSON (" + ((where != null && where.getByteOffset() >= 0)
						? "broken at byte " + where.getByteOffset() : "broken") + ")");
		}
	}

	private InfisicalApiException tooLarge(String description, int status, String size) {
		return new InfisicalApiException(description, status, null,
				"the answer is larger than infisical.max-response-size (" + size + ", limit " + this.maxResponseSize
						+ " bytes); raise infisical.max-response-size if the location really holds that much, "
						+ "or check infisical.site-url",
				null, null);
	}

	static @Nullable Instant serverDate(HttpHeaders headers) {
		try {
			long date = headers.getDate();
			return (date >= 0) ? Instant.ofEpochMilli(date) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * Reads a successful JSON answer as it arrives.
	 *
	 * @param <T> the type read
	 */
	@FunctionalInterface
	public interface JsonReader<T> {

		/**
		 * Read the answer.
		 * @param parser the parser over the body, bounded by the largest answer size
		 * @param head the answer's status and headers, without its body
		 * @return what was read
		 * @throws JacksonException if the body is not the expected JSON
		 */
		T read(JsonParser parser, Response head);

	}

	private interface BodyHandler<R> {

		R handle(Response head, InputStream body) throws IOException;

	}

	/**
	 * An answer of the Infisical API.
	 *
	 * @param description the call, for messages
	 * @param status the HTTP status
	 * @param etag the {@code ETag} header, if any
	 * @param retryAfter the {@code Retry-After} header, if any
	 * @param date the {@code Date} header (the server's clock), if any
	 * @param body the body bytes
	 */
	public record Response(String description, int status, @Nullable String etag, @Nullable String retryAfter,
			@Nullable Instant date, byte[] body) {

		/**
		 * Whether the server answered {@code 304 Not Modified}.
		 * @return {@code true} if nothing changed since the ETag sent
		 */
		public boolean notModified() {
			return this.status == 304;
		}

		Response withBody(byte[] body) {
			return new Response(this.description, this.status, this.etag, this.retryAfter, this.date, body);
		}

		/**
		 * Read the body as JSON.
		 * @param <T> the type
		 * @param type the type to read
		 * @return the value
		 * @throws InfisicalApiException if the body is not the expected JSON
		 */
		public <T> T read(Class<T> type) {
			try {
				T value = ErrorAnswers.mapper().readValue(this.body, type);
				if (value == null) {
					throw malformed("an empty body");
				}
				return value;
			}
			catch (JacksonException ex) {
				throw malformed("a body that is not the expected JSON (" + this.body.length + " bytes; "
						+ ex.getOriginalMessage() + ")");
			}
		}

		InfisicalApiException malformed(String what) {
			return new InfisicalApiException(this.description, this.status, null,
					"Infisical answered with " + what + "; check infisical.site-url", null, null);
		}

		@Override
		public String toString() {
			return "Response[" + this.description + " -> " + this.status + "]";
		}

		@Override
		public boolean equals(@Nullable Object obj) {
			return this == obj;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

}
