package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Base64.Encoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Test client for an {@link InfisicalTestServer}: signs STS requests with the AWS SDK
 * signer, as a real client does, and speaks HTTP with the JDK client.
 *
 * @author Infisical AWS Auth contributors
 */
final class TestClient {

	static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

	static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN//////////";

	static final String ACCOUNT = "123456789012";

	static final String ARN = "arn:aws:sts::123456789012:assumed-role/app-role/session-1";

	static final String IDENTITY_ID = "b1c2d3e4-0000-4000-8000-000000000001";

	static final String STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

	private static final Encoder BASE64 = Base64.getEncoder();

	private final InfisicalTestServer server;

	private final Clock clock;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	TestClient(InfisicalTestServer server, Clock clock) {
		this.server = server;
		this.clock = clock;
	}

	static AwsCredentialsIdentity sessionCredentials() {
		return AwsSessionCredentialsIdentity.create(ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN);
	}

	/**
	 * Sign {@code GetCallerIdentity} and return every signed header plus
	 * {@code Authorization}, as a client puts them in {@code iamRequestHeaders}.
	 */
	Map<String, String> signedHeaders(AwsCredentialsIdentity credentials, String host, String region) {
		return sign(credentials, host, region, this.clock);
	}

	static Map<String, String> sign(AwsCredentialsIdentity credentials, String host, String region, Clock clock) {
		SdkHttpFullRequest request = SdkHttpFullRequest.builder()
			.method(SdkHttpMethod.POST)
			.uri(URI.create("https://" + host + "/"))
			.putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			.build();
		SignedRequest signed = AwsV4HttpSigner.create()
			.sign((signing) -> signing.identity(credentials)
				.request(request)
				.payload(ContentStreamProvider.fromUtf8String(STS_BODY))
				.putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
				.putProperty(AwsV4HttpSigner.REGION_NAME, region)
				.putProperty(HttpSigner.SIGNING_CLOCK, clock));
		Map<String, String> headers = new LinkedHashMap<>();
		signed.request().headers().forEach((name, values) -> headers.put(name, values.get(0)));
		return headers;
	}

	Map<String, String> signedHeaders() {
		return signedHeaders(sessionCredentials(), "sts.us-east-1.amazonaws.com", "us-east-1");
	}

	static ObjectNode loginBody(String identityId, Map<String, String> headers) {
		ObjectNode body = Json.MAPPER.createObjectNode();
		body.put("identityId", identityId);
		body.put("iamHttpRequestMethod", "POST");
		body.put("iamRequestBody", BASE64.encodeToString(STS_BODY.getBytes(StandardCharsets.UTF_8)));
		body.put("iamRequestHeaders",
				BASE64.encodeToString(Json.MAPPER.writeValueAsString(headers).getBytes(StandardCharsets.UTF_8)));
		return body;
	}

	HttpResponse<String> login(Map<String, String> headers) {
		return post(InfisicalTestServer.LOGIN_PATH, loginBody(IDENTITY_ID, headers));
	}

	HttpResponse<String> login() {
		return login(signedHeaders());
	}

	String loginForToken() {
		HttpResponse<String> response = login();
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Login failed: " + response.body());
		}
		return json(response).get("accessToken").asString();
	}

	HttpResponse<String> renew(String token) {
		ObjectNode body = Json.MAPPER.createObjectNode().put("accessToken", token);
		return post(InfisicalTestServer.RENEW_PATH, body);
	}

	HttpResponse<String> revoke(String token) {
		ObjectNode body = Json.MAPPER.createObjectNode().put("accessToken", token);
		return post(InfisicalTestServer.REVOKE_PATH, body);
	}

	HttpResponse<String> post(String path, JsonNode body) {
		return send(HttpRequest.newBuilder(URI.create(this.server.url() + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)))
			.build());
	}

	HttpResponse<String> get(String pathAndQuery, String token, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.server.url() + pathAndQuery)).GET();
		if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		for (int i = 0; i < headers.length; i += 2) {
			builder.header(headers[i], headers[i + 1]);
		}
		return send(builder.build());
	}

	HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	HttpClient http() {
		return this.http;
	}

	static JsonNode json(HttpResponse<String> response) {
		return Json.MAPPER.readTree(response.body());
	}

	static JsonNode jwtPayload(String token) {
		List<String> parts = List.of(token.split("\\."));
		return Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts.get(1)));
	}

}
