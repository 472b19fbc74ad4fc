package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.infisicalawsauth.test.RawConnection.Answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Integration tests for {@link Fault#oversizedBody(long)}.
 *
 * @author Infisical AWS Auth contributors
 */
class OversizedBodyIntegrationTests {

	private static final String SECRETS = "/api/v3/secrets/raw?workspaceId=p1&environment=dev&secretPath=/";

	private static final String START = "{\"secrets\":[{\"secretKey\":\"PAD\",\"secretValue\":\"";

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private InfisicalTestServer server;

	private TestClient client;

	private String token;

	@BeforeEach
	void startServer() {
		this.server = InfisicalTestServer.builder().clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1");
		this.server.project("p1").environment("dev").secret("KEY", "value");
		this.client = new TestClient(this.server, this.clock);
		this.token = this.client.loginForToken();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void hundredsOfMebibytesAreStreamedWithTheirFullLength() throws Exception {
		long length = 300L * 1024 * 1024;
		this.server.enqueueFaults(SecretRoutes.V3_PATH, Fault.oversizedBody(length));
		HttpResponse<InputStream> response = this.client.http()
			.send(HttpRequest.newBuilder(URI.create(this.server.url() + SECRETS))
				.header("Authorization", "Bearer " + this.token)
				.build(), HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(length);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
		assertThat(response.headers().firstValue("Date")).hasValue("Wed, 15 Jan 2025 10:00:00 GMT");
		byte[] start;
		byte[] last = new byte[4];
		long total;
		try (InputStream body = response.body()) {
			start = body.readNBytes(START.length());
			total = start.length;
			byte[] buffer = new byte[256 * 1024];
			int read;
			while ((read = body.read(buffer)) != -1) {
				total += read;
				if (read >= 4) {
					System.arraycopy(buffer, read - 4, last, 0, 4);
				}
				else {
					System.arraycopy(last, read, last, 0, 4 - read);
					System.arraycopy(buffer, 0, last, 4 - read, read);
				}
			}
		}
		assertThat(new String(start, StandardCharsets.US_ASCII)).isEqualTo(START);
		assertThat(new String(last, StandardCharsets.US_ASCII)).isEqualTo("\"}]}");
		assertThat(total).isEqualTo(length);
		// the connection carries on after the body
		assertThat(this.client.get(SECRETS, this.token).statusCode()).isEqualTo(200);
	}

	@Test
	void bodyLargerThanAnyArrayIsStreamedAndStopsWhenTheClientLeaves() throws IOException {
		// more than a byte array can hold: the server cannot have built it in memory
		long length = 3L * 1024 * 1024 * 1024;
		this.server.enqueueFaults(InfisicalTestServer.LOGIN_PATH, Fault.oversizedBody(length));
		try (RawConnection connection = new RawConnection(this.server.port())) {
			String body = "{}";
			Answer answer = connection
				.send("POST " + InfisicalTestServer.LOGIN_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
				.readAnswer(true);
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.header("Content-Length")).isEqualTo(Long.toString(length));
			byte[] start = connection.input().readNBytes(1024 * 1024);
			assertThat(new String(start, 0, START.length(), StandardCharsets.US_ASCII)).isEqualTo(START);
			assertThat(start[start.length - 1]).isEqualTo((byte) 'x');
		}
		assertThat(this.client.login().statusCode()).isEqualTo(200);
		assertThat(this.server.loginCount()).isEqualTo(3);
	}

	@Test
	void shortBodiesAreCutFromTheSameText() {
		this.server.enqueueFaults(InfisicalTestServer.RENEW_PATH, Fault.oversizedBody(50), Fault.oversizedBody(11),
				Fault.oversizedBody(0));
		HttpResponse<String> fitting = this.client.renew(this.token);
		assertThat(fitting.body()).isEqualTo(START + "\"}]}");
		assertThat(TestClient.json(fitting).get("secrets").get(0).get("secretValue").asString()).isEmpty();
		assertThat(this.client.renew(this.token).body()).isEqualTo("{\"secrets\":");
		HttpResponse<String> empty = this.client.renew(this.token);
		assertThat(empty.statusCode()).isEqualTo(200);
		assertThat(empty.body()).isEmpty();
		assertThat(empty.headers().firstValue("Content-Length")).hasValue("0");
	}

	@Test
	void validBodyOfAnyLengthParsesAsSecrets() {
		this.server.enqueueFaults(SecretRoutes.V3_PATH, Fault.oversizedBody(100_000));
		HttpResponse<String> response = this.client.get(SECRETS, this.token);
		assertThat(response.body()).hasSize(100_000);
		String value = TestClient.json(response).get("secrets").get(0).get("secretValue").asString();
		assertThat(value).hasSize(100_000 - 50);
		char[] padding = new char[value.length()];
		Arrays.fill(padding, 'x');
		assertThat(value).isEqualTo(new String(padding));
	}

	@Test
	void negativeLengthIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.oversizedBody(-1))
			.withMessage("'bytes' must not be negative");
		assertThat(Fault.oversizedBody(7)).hasToString("Fault.oversizedBody(7)");
	}

}
