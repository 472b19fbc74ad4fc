package io.github.infisicalawsauth.autoconfigure.push;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.WebServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the webhook endpoint does the same in a servlet and in a WebFlux application,
 * spoken to over plain sockets: a body that does not arrive in time, or is too large, is
 * refused within the bound and its connection closed; a signed notice is accepted.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class WebhookEndpointIntegrationTests {

	static final String KEY = "Filter-Key-Never-Logged";

	// how long a test waits for an answer that the server owes at once, or within the
	// endpoint's bound (Tomcat checks async timeouts once a second)
	static final int ANSWER_WAIT_MILLIS = 5_000;

	final RecordingNotices notices = new RecordingNotices();

	final List<String> counted = new ArrayList<>();

	WebServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void signedNoticeIsAcceptedAtOnce() throws IOException {
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
	void contentLengthOverTheLimitIsRefusedAtOnceWithoutReadingTheBody() throws IOException {
		start(Duration.ofMinutes(1));
		try (Socket socket = new Socket("localhost", this.server.getPort())) {
			socket.setSoTimeout(ANSWER_WAIT_MILLIS);
			// refused from its headers, before any byte of the body
			String headers = "POST /infisical/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
					+ (InfisicalWebhookReceiver.MAX_BODY_SIZE + 1) + "\r\n\r\n";
			socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			assertThat(readAnswer(socket)).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
			assertThat(this.notices.changed).isEmpty();
		}
	}

	/**
	 * Start the server with the endpoint at {@code /infisical/webhook} ahead of an
	 * application that never gets a notice.
	 * @param readTimeout how long the whole body may take
	 */
	abstract void start(Duration readTimeout);

	InfisicalWebhookReceiver receiver(RecordingNotices notices) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		return new InfisicalWebhookReceiver(new WebhookVerifier(KEY, Duration.ofMinutes(5), Clock.systemUTC()), notices,
				Duration.ZERO, (channel, outcome) -> this.counted.add(channel + " " + outcome),
				beanFactory.getBeanProvider(WebhookForwarder.class));
	}

	// the headers of a signed notice and its first bytes, and then nothing
	static String sendHeadersAndPartOfTheBody(Socket socket) throws IOException {
		WebhookNotice notice = WebhookNotice.of(Generation.CURRENT, "p1", "dev", "/", System.currentTimeMillis(), KEY);
		String headers = "POST /infisical/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + notice.body().length + "\r\n" + WebhookVerifier.SIGNATURE_HEADER + ": "
				+ notice.signatureHeader() + "\r\n\r\n";
		OutputStream out = socket.getOutputStream();
		out.write(headers.getBytes(StandardCharsets.US_ASCII));
		out.write(notice.body(), 0, 10);
		out.flush();
		return notice.signatureHeader();
	}

	static void post(Socket socket, byte[] body, String signature) throws IOException {
		String headers = "POST /infisical/webhook HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
				+ WebhookVerifier.SIGNATURE_HEADER + ": " + signature + "\r\n\r\n";
		OutputStream out = socket.getOutputStream();
		out.write(headers.getBytes(StandardCharsets.US_ASCII));
		out.write(body);
		out.flush();
	}

	// everything until the server closes the connection; a server that does not close it
	// within the socket's timeout fails the test
	static String readAnswer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
	}

}
