package io.github.infisicalawsauth.test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

/**
 * The serialised answers of the read routes with their {@code ETag}s, rendered once per
 * state of the {@link SecretStore}: a client that polls with {@code If-None-Match} gets
 * its {@code 304} without the folder being serialised and hashed again. Any change of the
 * store (or of an identity's permissions) bumps its version and so drops every answer.
 *
 * @author Infisical AWS Auth contributors
 */
final class RenderedAnswers {

	private static final int MAX_ANSWERS = 256;

	private final SecretStore store;

	/**
	 * Answers by route flavour and query, least recently used first. Guarded by the
	 * store's monitor.
	 */
	private final Map<List<Object>, Rendered> answers = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<List<Object>, Rendered> eldest) {
			return size() > MAX_ANSWERS;
		}

	};

	private long version = -1;

	private int renderCount;

	RenderedAnswers(SecretStore store) {
		this.store = store;
	}

	/**
	 * Answer a read: {@code 304} when the request's {@code If-None-Match} matches,
	 * otherwise {@code 200} with the body and its {@code ETag}.
	 * @param request the request
	 * @param key the route flavour and everything of the request that the body depends on
	 * (identity, parameters)
	 * @param render renders the body; called with the store's monitor held, only when the
	 * store changed since the answer for this key was rendered; may throw an
	 * {@link ApiError}, which is not kept
	 * @return the answer
	 */
	Reply answer(RecordedRequest request, List<Object> key, Supplier<JsonNode> render) {
		Rendered rendered;
		synchronized (this.store) {
			if (this.version != this.store.version()) {
				this.answers.clear();
				this.version = this.store.version();
			}
			rendered = this.answers.get(key);
			if (rendered == null) {
				byte[] body = Json.MAPPER.writeValueAsString(render.get()).getBytes(StandardCharsets.UTF_8);
				rendered = new Rendered(body, "\"" + Base64.getEncoder().encodeToString(sha1(body)) + "\"");
				this.renderCount++;
				this.answers.put(key, rendered);
			}
		}
		String ifNoneMatch = request.header("If-None-Match");
		if (ifNoneMatch != null && matches(ifNoneMatch, rendered.etag())) {
			// the length of the representation the 304 stands for (RFC 9110 8.6)
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("ETag", rendered.etag());
			headers.put("Content-Length", Integer.toString(rendered.body().length));
			return new Reply(304, headers, new byte[0]);
		}
		return Reply.json(200, rendered.body()).withHeader("ETag", rendered.etag());
	}

	/**
	 * Return how many answers were rendered (serialised and hashed) so far.
	 * @return the number of renderings
	 */
	int renderCount() {
		synchronized (this.store) {
			return this.renderCount;
		}
	}

	private static boolean matches(String ifNoneMatch, String etag) {
		for (String candidate : ifNoneMatch.split(",")) {
			String trimmed = candidate.trim();
			if (trimmed.startsWith("W/")) {
				trimmed = trimmed.substring(2);
			}
			if (trimmed.equals("*") || trimmed.equals(etag)) {
				return true;
			}
		}
		return false;
	}

	private static byte[] sha1(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-1").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A serialised body and its entity tag.
	 */
	private record Rendered(byte[] body, String etag) {

	}

}
