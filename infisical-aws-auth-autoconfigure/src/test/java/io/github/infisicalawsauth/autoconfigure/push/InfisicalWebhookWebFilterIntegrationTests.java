package io.github.infisicalawsauth.autoconfigure.push;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.infisicalawsauth.push.WebhookVerifier;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.WebhookNotice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.WebServer;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static io.github.infisicalawsauth.autoconfigure.push.InfisicalWebhookFilterIntegrationTests.KEY;
import static io.github.infisicalawsauth.autoconfigure.push.InfisicalWebhookFilterIntegrationTests.post;
import static io.github.infisicalawsauth.autoconfigure.push.InfisicalWebhookFilterIntegrationTests.readAnswer;
import static io.github.infisicalawsauth.autoconfigure.push.InfisicalWebhookFilterIntegrationTests.sendHeadersAndPartOfTheBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InfisicalWebhookWebFilter} in an embedded Reactor Netty server, spoken to over
 * plain sockets: a body that does not arrive in time is refused within the filter's
 * bound, as in a servlet application.
 *
 * @author Infisical AWS Auth contributors
 */
@Tag("push")
@ExtendWith(OutputCaptureExtension.class)
class InfisicalWebhookWebFilterIntegrationTests {

	// how long a test waits for an answer that the server owes at once, or within the
	// filter's bound
	private static final int ANSWER_WAIT_MILLIS = 5_000;

	private final RecordingNotices notices = new RecordingNotices();

	private final List<String> counted = new ArrayList<>();

	private WebServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void signedNoticeIsAccepted() throws IOException {
		start(Duration.ofMinutes(1));
		WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", System.currentTimeMillis(), KEY);
		try (Socket socket = new Socket("localhost", this.server.getPort())) {
			socket.setSoTimeout(ANSWER_WAIT_MILLIS);
			post(socket, notice.body(), notice.signatureHeader());
			assertThat(readAnswer(socket)).startsWith("HTTP/1.1 202");
		}
		assertThat(this.notices.changed).containsExactly("webhook p1/dev");
	}

	@Test
	void stalledBodyIsRefusedAndItsConnectionClosedWithinTheBoundAndReadsNothing(CapturedOutput output)
			throws IOException {
		start(Duration.ofMillis(200));
		try (Socket stalled = new Socket("localhost", this.server.getPort())) {
			stalled.setSoTimeout(ANSWER_WAIT_MILLIS);
			String signature = sendHeadersAndPartOfTheBody(stalled);
			// the whole answer, up to the end of the connection that the server closes
			String answer = readAnswer(stalled);
			assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
			assertThat(this.notices.changed).isEmpty();
			assertThat(this.counted).containsExactly("webhook refused");
			assertThat(output).contains("Refused an Infisical webhook notice: its body did not arrive within 200 ms")
				.doesNotContain(KEY)
				.doesNotContain(signature.split(";")[1]);
		}
	}

	@Test
	void contentLengthOverTheLimitIsRefusedAtOnceAndTheConnectionClosed() throws IOException {
		start(Duration.ofMinutes(1));
		try (Socket socket = new Socket("localhost", this.server.getPort())) {
			socket.setSoTimeout(ANSWER_WAIT_MILLIS);
			String headers = "POST /infisical/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
					+ (InfisicalWebhookReceiver.MAX_BODY_SIZE + 1) + "\r\n\r\n";
			socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			assertThat(readAnswer(socket)).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
			assertThat(this.notices.changed).isEmpty();
		}
	}

	private void start(Duration readTimeout) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		InfisicalWebhookReceiver receiver = new InfisicalWebhookReceiver(
				new WebhookVerifier(KEY, Duration.ofMinutes(5), Clock.systemUTC()), this.notices, Duration.ZERO,
				(channel, outcome) -> this.counted.add(channel + " " + outcome),
				beanFactory.getBeanProvider(WebhookForwarder.class));
		// the application, which never gets a notice
		WebHttpHandlerBuilder handler = WebHttpHandlerBuilder.webHandler((exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			return exchange.getResponse().setComplete();
		})
			.filter(new InfisicalWebhookWebFilter(receiver, "/infisical/webhook",
					InfisicalWebhookAutoConfiguration.FILTER_ORDER, readTimeout));
		this.server = new NettyReactiveWebServerFactory(0).getWebServer(handler.build());
		this.server.start();
	}

}
