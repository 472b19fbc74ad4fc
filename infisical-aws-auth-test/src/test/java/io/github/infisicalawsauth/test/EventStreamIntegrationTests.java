package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.github.infisicalawsauth.test.EventStreamClient.ServerSentEvent;
import io.github.infisicalawsauth.test.RawConnection.Answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for the event-subscription streams of {@link InfisicalTestServer}.
 *
 * @author Infisical AWS Auth contributors
 */
class EventStreamIntegrationTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private InfisicalTestServer server;

	private EnvironmentSpec dev;

	private String token;

	private EventStreamClient stream;

	@AfterEach
	void stop() {
		if (this.stream != null) {
			this.stream.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	private void start(InfisicalTestServer.Builder builder) {
		this.server = builder.clock(this.clock).start();
		this.server.addAwsCredentials(TestClient.ACCESS_KEY_ID, TestClient.SECRET_KEY, TestClient.SESSION_TOKEN,
				TestClient.ACCOUNT, TestClient.ARN);
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1");
		this.dev = this.server.project("p1").environment("dev");
		this.token = new TestClient(this.server, this.clock).loginForToken();
	}

	private void start() {
		start(InfisicalTestServer.builder());
	}

	private EventStreamClient subscribe(JsonNode body) {
		this.stream = EventStreamClient.subscribe(this.http, this.server, this.token, body);
		return this.stream;
	}

	private EventStreamClient subscribe() {
		return subscribe(subscription("p1", "dev", "/**", "secret:create", "secret:update", "secret:delete",
				"secret:import-mutation"));
	}

	@Test
	void subscriptionAnswersEventStream() {
		start();
		EventStreamClient stream = subscribe();
		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.response().headers().firstValue("Content-Type")).hasValue("text/event-stream");
		assertThat(stream.response().headers().firstValue("Content-Length")).isEmpty();
		assertThat(this.server.eventStreams().openCount()).isOne();
		RecordedRequest request = this.server.requests(EventStreams.SUBSCRIBE_PATH).get(0);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.header("Authorization")).isEqualTo("Bearer " + this.token);
		assertThat(Json.MAPPER.readTree(request.body()).get("projectId").asString()).isEqualTo("p1");
		this.dev.secret("KEY", "value");
		ServerSentEvent event = stream.nextEvent();
		assertThat(event.id()).isNotEmpty();
		assertThat(event.event()).isEqualTo("secret:create");
	}

	@Test
	void streamIsChunkedAndClosesItsConnection() {
		start();
		String body = Json.MAPPER.writeValueAsString(subscription("p1", "dev", "/", "secret:update"));
		try (RawConnection connection = new RawConnection(this.server.port())) {
			connection.send("POST " + EventStreams.SUBSCRIBE_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Authorization: Bearer " + this.token + "\r\nContent-Type: application/json\r\n"
					+ "Content-Length: " + body.length() + "\r\n\r\n" + body);
			Answer head = connection.readAnswer(true);
			assertThat(head.status()).isEqualTo(200);
			assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");
			assertThat(head.header("Connection")).isEqualTo("close");
			assertThat(head.header("Content-Length")).isNull();
			assertThat(head.header("Date")).isEqualTo("Wed, 15 Jan 2025 10:00:00 GMT");
			this.dev.secret("KEY", "1").secret("KEY", "2");
			String chunk = new String(connection.readOnce(), StandardCharsets.UTF_8);
			assertThat(chunk).matches("(?s)[0-9a-f]+\r\nid: \\d+\nevent: secret:update\ndata: \\{.*}\n\n\r\n");
			this.server.eventStreams().sendErrorAndClose();
			String rest = new String(connection.input().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(rest).contains("event: error\n").endsWith("\n\n\r\n0\r\n\r\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void eventsComeOnlyForMatchingChangesWithPrefixMatching() {
		start(InfisicalTestServer.builder().eventMatching(EventMatching.PREFIX));
		EventStreamClient stream = subscribe(subscription("p1", "dev", "/app", "secret:create", "secret:update"));
		this.dev.folder("/other").secret("OTHER", "1");
		this.server.project("p1").environment("staging").folder("/app").secret("STAGING", "1");
		this.server.project("p2").environment("dev").folder("/app").secret("OTHER_PROJECT", "1");
		this.dev.folder("/app/backend").secret("NESTED", "1");
		this.dev.folder("/app").secret("APP", "1").secret("APP", "2").removeSecret("APP");
		this.dev.folder("/application").secret("PREFIX", "1");
		assertThat(keyOf(stream.nextEvent())).isEqualTo("secret:create /app/backend NESTED");
		assertThat(keyOf(stream.nextEvent())).isEqualTo("secret:create /app APP");
		assertThat(keyOf(stream.nextEvent())).isEqualTo("secret:update /app APP");
		// secretPath matches as a plain prefix, as on the server
		assertThat(keyOf(stream.nextEvent())).isEqualTo("secret:create /application PREFIX");
		assertThat(stream.waiting()).isZero();
	}

	@Test
	void eventsComeOnlyForChangesInFoldersTheGlobMatchesByDefault() {
		start();
		EventStreamClient exact = subscribe(subscription("p1", "dev", "/app", "secret:create"));
		this.dev.folder("/app/backend").secret("NESTED", "1");
		this.dev.folder("/application").secret("PREFIX", "1");
		this.server.project("p1").environment("staging").folder("/app").secret("STAGING", "1");
		this.dev.folder("/app").secret("APP", "1");
		assertThat(keyOf(exact.nextEvent())).isEqualTo("secret:create /app APP");
		assertThat(exact.waiting()).isZero();
		exact.close();
		EventStreamClient below = subscribe(subscription("p1", "dev", "/app/**", "secret:create"));
		this.dev.folder("/application").secret("PREFIX_AGAIN", "1");
		this.dev.folder("/app").secret("APP_AGAIN", "1");
		this.dev.folder("/app/backend").secret("NESTED_AGAIN", "1");
		assertThat(keyOf(below.nextEvent())).isEqualTo("secret:create /app APP_AGAIN");
		assertThat(keyOf(below.nextEvent())).isEqualTo("secret:create /app/backend NESTED_AGAIN");
		assertThat(below.waiting()).isZero();
	}

	@ParameterizedTest
	@EnumSource(EventMatching.class)
	void aRegistrationWithoutEnvironmentMatchesNothingOnCurrentServersAndEveryEnvironmentBefore(
			EventMatching matching) {
		start(InfisicalTestServer.builder().eventMatching(matching));
		ObjectNode body = subscription("p1", "dev", "/", "secret:create");
		((ObjectNode) body.get("register").get(0).get("conditions")).remove("environmentSlug");
		EventStreamClient stream = subscribe(body);
		this.server.project("p1").environment("staging").secret("STAGING", "1");
		this.dev.secret("DEV", "1");
		this.server.eventStreams().ping();
		ServerSentEvent next = stream.next();
		if (matching == EventMatching.GLOB) {
			assertThat(next.event()).isEqualTo("ping");
		}
		else {
			assertThat(keyOf(next)).isEqualTo("secret:create / STAGING");
			assertThat(keyOf(stream.next())).isEqualTo("secret:create / DEV");
		}
	}

	@Test
	void serverCodePayloadHasTypeAndSecretKeysAndObjectForImportMutations() {
		start();
		EventStreamClient stream = subscribe();
		this.dev.folder("/app").importFrom("dev", "/shared");
		this.dev.folder("/shared").secret("SHARED", "1");
		this.dev.folder("/shared").removeSecret("SHARED");
		assertThat(stream.nextEvent().data()).isEqualTo("{\"data\":{\"type\":\"secret:import-mutation\","
				+ "\"payload\":{\"environment\":\"dev\",\"secretPath\":\"/app\"}}}");
		ServerSentEvent created = stream.nextEvent();
		assertThat(created.event()).isEqualTo("secret:create");
		assertThat(created.data()).isEqualTo("{\"data\":{\"type\":\"secret:create\",\"payload\":[{\"environment\":"
				+ "\"dev\",\"secretPath\":\"/shared\",\"secretKeys\":[\"SHARED\"]}]}}");
		// the folder that imports the changed one hears of it
		assertThat(stream.nextEvent().json().get("data").get("payload").get("secretPath").asString()).isEqualTo("/app");
		ServerSentEvent deleted = stream.nextEvent();
		assertThat(deleted.event()).isEqualTo("secret:delete");
		assertThat(deleted.json().get("data").get("payload").get(0).get("secretKeys").get(0).asString())
			.isEqualTo("SHARED");
	}

	@Test
	void documentedPayloadHasEventTypeAndArrayOfSecrets() {
		start(InfisicalTestServer.builder().eventPayload(EventPayload.DOCUMENTED));
		EventStreamClient stream = subscribe();
		this.dev.folder("/app").secret("KEY", "1").secret("KEY", "2");
		this.dev.folder("/app").importFrom("dev", "/shared");
		assertThat(stream.nextEvent().event()).isEqualTo("secret:create");
		ServerSentEvent updated = stream.nextEvent();
		assertThat(updated.event()).isEqualTo("secret:update");
		assertThat(updated.data()).isEqualTo("{\"data\":{\"eventType\":\"secret:update\",\"payload\":[{\"environment\":"
				+ "\"dev\",\"secretPath\":\"/app\",\"secretKey\":\"KEY\"}]}}");
		assertThat(stream.nextEvent().data()).isEqualTo("{\"data\":{\"eventType\":\"secret:import-mutation\","
				+ "\"payload\":[{\"environment\":\"dev\",\"secretPath\":\"/app\"}]}}");
	}

	@Test
	void pingsComeEveryInterval() {
		start(InfisicalTestServer.builder().eventPingInterval(Duration.ofMillis(20)));
		EventStreamClient stream = subscribe();
		ServerSentEvent first = stream.next();
		ServerSentEvent second = stream.next();
		assertThat(first.event()).isEqualTo("ping");
		assertThat(first.data()).isEqualTo("{}");
		assertThat(second.event()).isEqualTo("ping");
		assertThat(Long.parseLong(second.id())).isGreaterThan(Long.parseLong(first.id()));
	}

	@Test
	void stoppedPingsLeaveStreamSilentUntilResumedOrPingedByHand() {
		start(InfisicalTestServer.builder().eventPingInterval(Duration.ofMillis(20)));
		this.server.eventStreams().stopPings();
		EventStreamClient stream = subscribe();
		// five ping intervals without a ping
		await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> stream.waiting() == 0);
		this.server.eventStreams().ping();
		assertThat(stream.next().event()).isEqualTo("ping");
		this.server.eventStreams().resumePings();
		assertThat(stream.next().event()).isEqualTo("ping");
	}

	@Test
	void errorEventEndsStreamProperly() {
		start();
		EventStreamClient stream = subscribe();
		this.server.eventStreams().sendErrorAndClose();
		ServerSentEvent error = stream.next();
		assertThat(error.event()).isEqualTo("error");
		assertThat(error.json().get("statusCode").asInt()).isEqualTo(403);
		assertThat(stream.end()).succeedsWithin(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.eventStreams().openCount() == 0);
	}

	@Test
	void droppedStreamEndsAbruptly() {
		start();
		EventStreamClient stream = subscribe();
		this.server.eventStreams().dropAll();
		assertThat(stream.end()).failsWithin(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.eventStreams().openCount() == 0);
		// a new subscription works
		this.stream = null;
		EventStreamClient again = subscribe();
		assertThat(again.status()).isEqualTo(200);
		this.dev.secret("KEY", "1");
		assertThat(again.nextEvent().event()).isEqualTo("secret:create");
	}

	@Test
	void droppingTheStreamsOfOneProjectLeavesTheOthersOpen() {
		start();
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p2");
		EventStreamClient p1 = subscribe();
		EventStreamClient p2 = EventStreamClient.subscribe(this.http, this.server, this.token,
				subscription("p2", "dev", "/", "secret:create"));
		try {
			this.server.eventStreams().dropAll("p1");
			assertThat(p1.end()).failsWithin(Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.server.eventStreams().openCount() == 1);
			this.server.project("p2").environment("dev").secret("KEY", "1");
			assertThat(p2.nextEvent().event()).isEqualTo("secret:create");
		}
		finally {
			p2.close();
		}
	}

	@Test
	void clientThatClosesItsStreamIsNoticed() {
		start();
		EventStreamClient stream = subscribe();
		assertThat(this.server.eventStreams().openCount()).isOne();
		stream.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.eventStreams().openCount() == 0);
	}

	@Test
	void stopAndCloseEndStreams() {
		start();
		EventStreamClient stream = subscribe();
		this.server.stop();
		assertThat(stream.end()).failsWithin(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.eventStreams().openCount() == 0);
		this.server.restart();
		EventStreamClient again = EventStreamClient.subscribe(this.http, this.server, this.token,
				subscription("p1", "dev", "/", "secret:create"));
		this.server.close();
		assertThat(again.end()).failsWithin(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.eventStreams().openCount() == 0);
	}

	@ParameterizedTest
	@CsvSource({
			"400, BadRequest, Failed to use event subscriptions due to plan restriction. "
					+ "Upgrade plan to access enterprise event subscriptions.",
			"402, PaymentRequired, plan does not include event subscriptions",
			"403, ForbiddenError, plan does not include event subscriptions" })
	void planWithoutEventSubscriptionsIsRefused(int status, String error, String message) {
		start();
		this.server.eventStreams().refuseSubscriptions(status);
		EventStreamClient refused = subscribe();
		assertThat(refused.status()).isEqualTo(status);
		JsonNode body = refused.errorBody();
		assertThat(body.get("statusCode").asInt()).isEqualTo(status);
		assertThat(body.get("error").asString()).isEqualTo(error);
		assertThat(body.get("message").asString()).contains(message);
		assertThat(body.get("reqId").asString()).startsWith("req-");
		this.server.eventStreams().allowSubscriptions();
		assertThat(subscribe().status()).isEqualTo(200);
	}

	@Test
	void anIdentityMayHaveFiveStreamsOpenPerProject() {
		start();
		this.server.addIdentity(TestClient.IDENTITY_ID).canReadProject("p1").canReadProject("p2");
		List<EventStreamClient> streams = new ArrayList<>();
		try {
			for (int i = 0; i < EventStreams.MAX_STREAMS_PER_PROJECT_AND_IDENTITY; i++) {
				streams.add(EventStreamClient.subscribe(this.http, this.server, this.token,
						subscription("p1", "dev", "/", "secret:update")));
				assertThat(streams.get(i).status()).isEqualTo(200);
			}
			EventStreamClient sixth = subscribe(subscription("p1", "dev", "/", "secret:update"));
			assertThat(sixth.status()).isEqualTo(429);
			JsonNode body = sixth.errorBody();
			assertThat(body.get("reqId").asString()).startsWith("req-");
			assertThat(body.get("statusCode").asInt()).isEqualTo(429);
			assertThat(body.get("error").asString()).isEqualTo("RateLimitError");
			assertThat(body.get("message").asString()).isEqualTo("Too many active connections for project p1. "
					+ "Please close some connections before opening a new one.");
			assertThat(this.server.eventStreams().openCount()).isEqualTo(5);
			// another project has streams of its own
			streams.add(EventStreamClient.subscribe(this.http, this.server, this.token,
					subscription("p2", "dev", "/", "secret:update")));
			assertThat(streams.get(5).status()).isEqualTo(200);
			// a closed stream frees its place once the server notices
			streams.get(0).close();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.server.eventStreams().openCount() == 5);
			this.stream = null;
			assertThat(subscribe(subscription("p1", "dev", "/", "secret:update")).status()).isEqualTo(200);
		}
		finally {
			streams.forEach(EventStreamClient::close);
		}
	}

	@Test
	void generation2024AnswersRouteNotFound() {
		start(InfisicalTestServer.builder().generation(Generation.V2024));
		EventStreamClient missing = subscribe();
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.errorBody().get("message").asString())
			.isEqualTo("Route POST:/api/v1/events/subscribe/project-events not found");
		assertThat(this.server.eventStreams().openCount()).isZero();
	}

	@Test
	void subscriptionWithoutTokenIsUnauthorized() {
		start();
		this.stream = EventStreamClient.subscribe(this.http, this.server, null,
				subscription("p1", "dev", "/", "secret:update"));
		assertThat(this.stream.status()).isEqualTo(401);
		assertThat(this.stream.errorBody().get("message").asString()).isEqualTo("Token missing");
	}

	@Test
	void subscriptionWithRevokedTokenIsUnauthorized() {
		start();
		this.server.revokeAllTokens();
		assertThat(subscribe().status()).isEqualTo(401);
	}

	@Test
	void subscriptionToProjectIdentityCannotReadIsForbidden() {
		start();
		EventStreamClient refused = subscribe(subscription("p2", "dev", "/", "secret:update"));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.errorBody().get("error").asString()).isEqualTo("PermissionDenied");
	}

	@Test
	void invalidSubscriptionsAreValidationFailures() {
		start();
		ObjectNode none = subscription("p1", "dev", "/");
		assertThat(issuePaths(none)).containsExactly("register");
		ObjectNode eleven = subscription("p1", "dev", "/", "secret:update", "secret:update", "secret:update",
				"secret:update", "secret:update", "secret:update", "secret:update", "secret:update", "secret:update",
				"secret:update", "secret:update");
		assertThat(issuePaths(eleven)).containsExactly("register");
		ObjectNode unknownEvent = subscription("p1", "dev", "/", "secret:update", "secret:rotate");
		assertThat(issuePaths(unknownEvent)).containsExactly("register.1.event");
		ObjectNode noProject = subscription("p1", "dev", "/", "secret:update");
		noProject.remove("projectId");
		((ObjectNode) noProject.get("register").get(0).get("conditions")).put("secretPath", 7);
		assertThat(issuePaths(noProject)).containsExactly("projectId", "register.0.conditions.secretPath");
		assertThat(this.server.eventStreams().openCount()).isZero();
	}

	@Test
	void faultsApplyToSubscriptionRoute() {
		start();
		this.server.enqueueFaults(EventStreams.SUBSCRIBE_PATH, Fault.status(503), Fault.dropConnection(),
				Fault.delay(Duration.ofMillis(20)));
		assertThat(subscribe().status()).isEqualTo(503);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(this::subscribe);
		EventStreamClient delayed = subscribe();
		assertThat(delayed.status()).isEqualTo(200);
		assertThat(this.server.requests(EventStreams.SUBSCRIBE_PATH)).hasSize(3);
	}

	private List<String> issuePaths(JsonNode body) {
		EventStreamClient invalid = subscribe(body);
		assertThat(invalid.status()).isEqualTo(422);
		JsonNode error = invalid.errorBody();
		assertThat(error.get("error").asString()).isEqualTo("ValidationFailure");
		List<String> paths = new ArrayList<>();
		for (JsonNode issue : error.get("message")) {
			List<String> parts = new ArrayList<>();
			issue.get("path").forEach((part) -> parts.add(part.asString()));
			paths.add(String.join(".", parts));
		}
		return paths;
	}

	private static String keyOf(ServerSentEvent event) {
		JsonNode payload = event.json().get("data").get("payload").get(0);
		return event.event() + " " + payload.get("secretPath").asString() + " "
				+ payload.get("secretKeys").get(0).asString();
	}

	private static ObjectNode subscription(String projectId, String environment, String secretPath, String... events) {
		ObjectNode body = Json.MAPPER.createObjectNode();
		body.put("projectId", projectId);
		ArrayNode register = body.putArray("register");
		for (String event : events) {
			ObjectNode registration = register.addObject();
			registration.put("event", event);
			registration.putObject("conditions").put("environmentSlug", environment).put("secretPath", secretPath);
		}
		return body;
	}

}
