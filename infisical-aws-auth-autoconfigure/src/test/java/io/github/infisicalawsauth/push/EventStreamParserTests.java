package io.github.infisicalawsauth.push;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventStreamParser} and {@link EventStreamFrame}: both payload shapes,
 * unknown fields and garbage.
 *
 * @author Infisical AWS Auth contributors
 */
class EventStreamParserTests {

	private static final String PROJECT = "project-1";

	@Test
	void readsFramesOfTheServerCodeShape() {
		List<EventStreamFrame> frames = parse("id: 7", "event: secret:update",
				"data: {\"data\":{\"type\":\"secret:update\",\"payload\":[{\"environment\":\"dev\",\"secretPath\":\"/app\","
						+ "\"secretKeys\":[\"DB_URL\"]}]}}",
				"");
		assertThat(frames).singleElement().satisfies((frame) -> {
			assertThat(frame.name()).isEqualTo("secret:update");
			assertThat(frame.isSecretEvent()).isTrue();
			assertThat(frame.environments(PROJECT)).containsExactly("dev");
		});
	}

	@Test
	void readsAnImportMutationWhosePayloadIsAnObject() {
		EventStreamFrame frame = single("event: secret:import-mutation",
				"data: {\"data\":{\"type\":\"secret:import-mutation\",\"payload\":{\"environment\":\"prod\",\"secretPath\":\"/\"}}}",
				"");
		assertThat(frame.environments(PROJECT)).containsExactly("prod");
	}

	@Test
	void readsTheDocumentedShapeWithoutAnEventNameAndWithUnknownFields() {
		EventStreamFrame frame = single(
				"data: {\"data\":{\"eventType\":\"secret:create\",\"future\":{\"x\":1},\"payload\":[{\"environment\":\"dev\","
						+ "\"secretPath\":\"/\",\"secretKey\":\"A\",\"extra\":true},{\"environment\":\"staging\"}]}}",
				"");
		assertThat(frame.name()).isEqualTo("message");
		assertThat(frame.isSecretEvent()).isTrue();
		assertThat(frame.environments(PROJECT)).containsExactly("dev", "staging");
	}

	@Test
	void joinsDataLinesAndAcceptsEveryLineEndTheReaderGives() {
		EventStreamFrame frame = single("event:secret:delete", "data:{\"data\":{\"payload\":",
				"data: [{\"environment\":\"dev\"}]}}", "");
		assertThat(frame.data()).isEqualTo("{\"data\":{\"payload\":\n[{\"environment\":\"dev\"}]}}");
		assertThat(frame.environments(PROJECT)).containsExactly("dev");
	}

	@Test
	void skipsCommentsIdsRetriesAndUnknownFields() {
		assertThat(parse(": keep-alive", "id: 3", "retry: 1000", "colour: blue", "", "")).isEmpty();
	}

	@Test
	void readsPingsAndErrors() {
		List<EventStreamFrame> frames = parse("event: ping", "data: {}", "", "event: error",
				"data: {\"statusCode\":403,\"message\":\"You are no longer allowed\",\"error\":\"PermissionDenied\"}",
				"");
		assertThat(frames).hasSize(2);
		assertThat(frames.get(0).isPing()).isTrue();
		assertThat(frames.get(1).isError()).isTrue();
		assertThat(frames.get(1).errorStatus()).isEqualTo(403);
		assertThat(frames.get(1).errorName()).isEqualTo("PermissionDenied");
	}

	@Test
	void anErrorWithoutJsonNamesNoStatus() {
		EventStreamFrame frame = single("event: error", "data: gone", "");
		assertThat(frame.errorStatus()).isZero();
		assertThat(frame.errorName()).isNull();
	}

	@Test
	void garbageIsNoSecretEvent() {
		assertThat(single("data: not json at all", "").isSecretEvent()).isFalse();
		assertThat(single("data: [1, 2]", "").isSecretEvent()).isFalse();
		assertThat(single("event: project:update", "data: {\"data\":{\"type\":\"secret:update\"}}", "").isSecretEvent())
			.isFalse();
		assertThat(single("data: {\"data\":{\"type\":42}}", "").isSecretEvent()).isFalse();
	}

	@Test
	void aSecretEventThatCannotBePlacedNamesNoEnvironment() {
		assertThat(single("event: secret:update", "data: {{{", "").environments(PROJECT)).isNull();
		assertThat(single("event: secret:update", "data: {\"data\":{}}", "").environments(PROJECT)).isNull();
		assertThat(single("event: secret:update", "data: {\"data\":{\"payload\":[{\"secretPath\":\"/\"}]}}", "")
			.environments(PROJECT)).isNull();
		assertThat(single("event: secret:update", "data: {\"data\":{\"payload\":[\"dev\"]}}", "").environments(PROJECT))
			.isNull();
		assertThat(single("event: secret:update", "data: {\"data\":{\"payload\":[{\"environment\":7}]}}", "")
			.environments(PROJECT)).isNull();
	}

	@Test
	void anEventOfAnotherProjectNamesNothingForThisOne() {
		assertThat(single("event: secret:update",
				"data: {\"data\":{\"projectId\":\"other\",\"payload\":[{\"environment\":\"dev\"}]}}", "")
			.environments(PROJECT)).isEmpty();
		assertThat(single("event: secret:update",
				"data: {\"data\":{\"payload\":[{\"projectId\":\"other\",\"environment\":\"dev\"},{\"environment\":\"prod\"}]}}",
				"")
			.environments(PROJECT)).containsExactly("prod");
	}

	@Test
	void dataPastTheLimitIsCutAndTheEventCannotBePlaced() {
		EventStreamParser parser = new EventStreamParser(16);
		parser.accept("event: secret:update");
		parser.accept("data: {\"data\":{\"payload\":[{\"environment\":\"dev\"}]}}");
		EventStreamFrame frame = parser.accept("");
		assertThat(frame).isNotNull();
		assertThat(frame.data()).hasSize(16);
		assertThat(frame.environments(PROJECT)).isNull();
	}

	@Test
	void toStringPrintsNoData() {
		EventStreamFrame frame = single("event: secret:update", "data: {\"secretValue\":\"Never-Logged\"}", "");
		assertThat(frame.toString()).startsWith("EventStreamFrame[secret:update, ").doesNotContain("Never-Logged");
	}

	private static EventStreamFrame single(String... lines) {
		List<EventStreamFrame> frames = parse(lines);
		assertThat(frames).hasSize(1);
		return frames.get(0);
	}

	private static List<EventStreamFrame> parse(String... lines) {
		EventStreamParser parser = new EventStreamParser(1024 * 1024);
		List<EventStreamFrame> frames = new ArrayList<>();
		for (String line : lines) {
			EventStreamFrame frame = parser.accept(line);
			if (frame != null) {
				frames.add(frame);
			}
		}
		return frames;
	}

}
