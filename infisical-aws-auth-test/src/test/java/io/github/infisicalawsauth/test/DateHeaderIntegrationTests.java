package io.github.infisicalawsauth.test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests that every answer of {@link InfisicalTestServer}, errors and faults
 * included, carries a {@code Date} header from the server's clock, so that a client can
 * measure its clock offset as it would against a real server.
 *
 * @author Infisical AWS Auth contributors
 */
class DateHeaderIntegrationTests {

	private static final String SERVER_DATE = "Sat, 15 Mar 2031 08:09:10 GMT";

	private static final String SECRETS = "/api/v3/secrets/raw?workspaceId=p1&environment=dev&secretPath=/";

	private final MutableClock clock = new MutableClock(Instant.parse("2031-03-15T08:09:10Z"));

	private InfisicalTestServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void everyAnswerCarriesTheServerDate() throws Exception {
		this.server = InfisicalTestServer.builder().clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1");
		this.server.project("p1").environment("dev").secret("KEY", "value");
		TestClient client = new TestClient(this.server, this.clock);
		String token = client.loginForToken();
		String etag = client.get(SECRETS, token).headers().firstValue("ETag").orElseThrow();
		Map<String, Supplier<HttpResponse<String>>> answers = new LinkedHashMap<>();
		answers.put("200 login", client::login);
		answers.put("200 secrets", () -> client.get(SECRETS, token));
		answers.put("304 secrets", () -> client.get(SECRETS, token, "If-None-Match", etag));
		answers.put("200 folders", () -> client.get("/api/v1/folders?workspaceId=p1&environment=dev", token));
		answers.put("404 folders", () -> client.get("/api/v1/folders?workspaceId=p1&environment=nope", token));
		answers.put("404 route", () -> client.get("/api/v9/nothing", token));
		answers.put("401 token missing", () -> client.get(SECRETS, null));
		answers.put("403 token error", () -> client.get(SECRETS, "not.a.jwt"));
		answers.put("422 validation",
				() -> client.post(InfisicalTestServer.LOGIN_PATH, Json.MAPPER.createObjectNode()));
		answers.put("401 sts refusal", () -> client
			.login(client.signedHeaders(TestClient.sessionCredentials(), "sts.us-east-1.amazonaws.com", "eu-west-1")));
		answers.put("200 sts endpoint", () -> sts(client, TestClient.STS_BODY));
		answers.put("400 sts endpoint", () -> sts(client, "Action=Nothing&Version=2011-06-15"));
		answers.put("400 sts endpoint content hash", () -> sts(client, TestClient.STS_BODY + "&Unsigned=1"));
		answers.put("403 sts endpoint", () -> sts(client, TestClient.STS_BODY,
				AwsSessionCredentialsIdentity.create("AKIDUNKNOWN", "secret", "token")));
		answers.put("503 fault", () -> {
			this.server.enqueueFaults(SecretRoutes.V3_PATH, Fault.status(503));
			return client.get(SECRETS, token);
		});
		answers.put("429 fault", () -> {
			this.server.enqueueFaults(SecretRoutes.V3_PATH, Fault.rateLimited(Duration.ofSeconds(3)));
			return client.get(SECRETS, token);
		});
		answers.put("200 fault malformed body", () -> {
			this.server.enqueueFaults(SecretRoutes.V3_PATH, Fault.malformedBody());
			return client.get(SECRETS, token);
		});
		answers.put("200 fault oversized body", () -> {
			this.server.enqueueFaults(SecretRoutes.V3_PATH, Fault.oversizedBody(5000));
			return client.get(SECRETS, token);
		});
		answers.put("200 fault delay", () -> {
			this.server.enqueueFaults(SecretRoutes.V3_PATH, Fault.delay(Duration.ofMillis(10)));
			return client.get(SECRETS, token);
		});
		answers.put("401 fault sts refusal", () -> {
			this.server.enqueueFaults(InfisicalTestServer.LOGIN_PATH, Fault.stsRefusal("ExpiredToken", "expired"));
			return client.login();
		});
		answers.put("500 fault sts unreachable", () -> {
			this.server.enqueueFaults(InfisicalTestServer.LOGIN_PATH, Fault.stsUnreachable());
			return client.login();
		});
		answers.put("400 fault sts refusal on the sts endpoint", () -> {
			this.server.enqueueFaults(StsRoutes.PATH, Fault.stsRefusal("Throttling", "Rate exceeded"));
			return sts(client, TestClient.STS_BODY);
		});
		answers.forEach((name, answer) -> {
			HttpResponse<String> response = answer.get();
			assertThat(response.statusCode()).as(name).isEqualTo(Integer.parseInt(name.substring(0, 3)));
			assertThat(response.headers().firstValue("Date")).as(name + " " + response.statusCode())
				.hasValue(SERVER_DATE);
			assertThat(response.headers().firstValue("Content-Length")).as(name).isPresent();
		});
		try (RawConnection connection = new RawConnection(this.server.port())) {
			RawConnection.Answer malformed = connection.send("GET\r\n\r\n").readAnswer();
			assertThat(malformed.status()).isEqualTo(400);
			assertThat(malformed.header("Date")).isEqualTo(SERVER_DATE);
		}
	}

	private HttpResponse<String> sts(TestClient client, String body) {
		return sts(client, body, TestClient.sessionCredentials());
	}

	private HttpResponse<String> sts(TestClient client, String body, AwsCredentialsIdentity credentials) {
		Map<String, String> headers = TestClient.sign(credentials, "127.0.0.1:" + this.server.port(), "us-east-1",
				this.clock);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.server.url() + "/"))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		headers.forEach((name, value) -> {
			if (!name.equalsIgnoreCase("Host")) {
				request.header(name, value);
			}
		});
		return client.send(request.build());
	}

}
