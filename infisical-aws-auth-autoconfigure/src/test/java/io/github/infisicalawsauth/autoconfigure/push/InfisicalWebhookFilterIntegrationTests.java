package io.github.infisicalawsauth.autoconfigure.push;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.infisicalawsauth.push.WebhookVerifier;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.WebhookNotice;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.core.task.TaskRejectedException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InfisicalWebhookFilter} in an embedded Tomcat with a single request thread,
 * spoken to over plain sockets: a client that sends its body slowly, or not at all, holds
 * no request thread and is answered within the filter's bound; a body that breaks, a
 * notice the receiver cannot take, and a chain that is not asynchronous.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalWebhookFilterIntegrationTests extends WebhookEndpointIntegrationTests {

	@Test
	void stalledBodyHoldsNoRequestThread() throws IOException {
		start(Duration.ofMinutes(1));
		try (Socket stalled = new Socket("localhost", this.server.getPort())) {
			sendHeadersAndPartOfTheBody(stalled);
			// the only request thread is free: a notice on another connection is answered
			WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", System.currentTimeMillis(),
					KEY);
			try (Socket other = new Socket("localhost", this.server.getPort())) {
				other.setSoTimeout(ANSWER_WAIT_MILLIS);
				post(other, notice.body(), notice.signatureHeader());
				assertThat(readAnswer(other)).startsWith("HTTP/1.1 202");
			}
			assertThat(this.notices.changed).containsExactly("webhook p1/dev");
		}
	}

	@Test
	void bodyThatCannotBeReadIsRefusedWith400AndReadsNothing(CapturedOutput output) throws IOException {
		start(Duration.ofMinutes(1));
		try (Socket socket = new Socket("localhost", this.server.getPort())) {
			socket.setSoTimeout(ANSWER_WAIT_MILLIS);
			WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", System.currentTimeMillis(),
					KEY);
			// a chunk whose size is not a number
			String request = "POST /infisical/webhook HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
					+ WebhookVerifier.SIGNATURE_HEADER + ": " + notice.signatureHeader() + "\r\n\r\nzz\r\n{}\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			// Tomcat ends a connection whose body broke, without sending what the filter
			// answers
			String answer = readAnswer(socket);
			assertThat(answer.isEmpty() || answer.startsWith("HTTP/1.1 400")).as(answer).isTrue();
			assertThat(this.notices.changed).isEmpty();
			assertThat(this.counted).containsExactly("webhook refused");
			assertThat(output).contains("Refused an Infisical webhook notice: its body could not be read");
		}
	}

	@Test
	void noticeThatCannotBeTakenIsAnswered500AtOnce(CapturedOutput output) throws IOException {
		// the application is shutting down: its scheduler takes no more reads
		start(Duration.ofMinutes(1), new RecordingNotices() {

			@Override
			public boolean changed(String channel, String projectId, String environment, Duration delay) {
				throw new TaskRejectedException("Executor is shut down");
			}

		}, true);
		WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", System.currentTimeMillis(), KEY);
		try (Socket socket = new Socket("localhost", this.server.getPort())) {
			// well within the filter's bound of a minute
			socket.setSoTimeout(ANSWER_WAIT_MILLIS);
			post(socket, notice.body(), notice.signatureHeader());
			assertThat(readAnswer(socket)).startsWith("HTTP/1.1 500");
			assertThat(output).contains("Could not take an Infisical webhook notice").doesNotContain(KEY);
		}
	}

	@Test
	void behindAFilterWithoutAsyncSupportBlockingReadsAreReportedOnceAndStillRefuseTooLargeBodies(CapturedOutput output)
			throws IOException {
		start(Duration.ofMinutes(1), this.notices, false);
		for (int i = 0; i < 2; i++) {
			try (Socket socket = new Socket("localhost", this.server.getPort())) {
				socket.setSoTimeout(ANSWER_WAIT_MILLIS);
				String headers = "POST /infisical/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
						+ (InfisicalWebhookReceiver.MAX_BODY_SIZE + 1) + "\r\n\r\n";
				socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
				// a blocking request thread drains what the client sends before it can
				// close
				socket.getOutputStream().write(new byte[InfisicalWebhookReceiver.MAX_BODY_SIZE + 1]);
				socket.getOutputStream().flush();
				assertThat(readAnswer(socket)).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
			}
		}
		WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", System.currentTimeMillis(), KEY);
		try (Socket socket = new Socket("localhost", this.server.getPort())) {
			socket.setSoTimeout(ANSWER_WAIT_MILLIS);
			post(socket, notice.body(), notice.signatureHeader());
			assertThat(readAnswer(socket)).startsWith("HTTP/1.1 202");
		}
		assertThat(this.notices.changed).containsExactly("webhook p1/dev");
		assertThat(output.toString().split("reads notices with blocking reads", -1)).hasSize(2);
	}

	@Override
	void start(Duration readTimeout) {
		start(readTimeout, this.notices, true);
	}

	private void start(Duration readTimeout, RecordingNotices notices, boolean asyncSupported) {
		InfisicalWebhookReceiver receiver = receiver(notices);
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
		// one request thread: a filter that blocks on a slow body takes all of them
		factory.addConnectorCustomizers((connector) -> {
			AbstractProtocol<?> protocol = (AbstractProtocol<?>) connector.getProtocolHandler();
			protocol.setMaxThreads(1);
			protocol.setMinSpareThreads(1);
		});
		this.server = factory.getWebServer((context) -> {
			FilterRegistration.Dynamic filter = context.addFilter("infisicalWebhookFilter",
					new InfisicalWebhookFilter(receiver, readTimeout));
			filter.setAsyncSupported(asyncSupported);
			filter.addMappingForUrlPatterns(null, false, "/infisical/webhook");
			// filters run ahead of a servlet: the application's, which never gets the
			// notice
			context.addServlet("application", new HttpServlet() {

			}).addMapping("/");
		});
		this.server.start();
	}

}
