package io.github.infisicalawsauth.autoconfigure.push;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import io.github.infisicalawsauth.push.WebhookVerifier;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Answers {@code POST} on the webhook path in a servlet application, ahead of the
 * application's filters and Spring Security: the signature is what authenticates a
 * notice. Other methods pass on to the application. The body is read up to
 * {@link InfisicalWebhookReceiver#MAX_BODY_SIZE} with non-blocking reads, so that a
 * client that sends it slowly holds no request thread, and must arrive within
 * {@link #READ_TIMEOUT}; the answer has none. A body that cannot be read gets
 * {@code 400}, and a notice that could not be taken {@code 500}, both at once.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalWebhookFilter implements Filter {

	/**
	 * How long the whole body may take to arrive; Infisical sends its few hundred bytes
	 * at once.
	 */
	static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

	private static final int INTERNAL_SERVER_ERROR = 500;

	private static final Log logger = LogFactory.getLog(InfisicalWebhookFilter.class);

	private final InfisicalWebhookReceiver receiver;

	private final Duration readTimeout;

	private final AtomicBoolean blockingReported = new AtomicBoolean();

	InfisicalWebhookFilter(InfisicalWebhookReceiver receiver) {
		this(receiver, READ_TIMEOUT);
	}

	InfisicalWebhookFilter(InfisicalWebhookReceiver receiver, Duration readTimeout) {
		this.receiver = receiver;
		this.readTimeout = readTimeout;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)
				|| !"POST".equals(http.getMethod())) {
			chain.doFilter(request, response);
			return;
		}
		if (!http.isAsyncSupported()) {
			reportBlocking();
			int status = receiveBlocking(http);
			answer(answer, status, closes(status));
			return;
		}
		AsyncContext async = http.startAsync();
		async.setTimeout(this.readTimeout.toMillis());
		ServletInputStream input = http.getInputStream();
		Body body = new Body(async, input, http.getHeader(WebhookVerifier.SIGNATURE_HEADER));
		async.addListener(body);
		// from here on neither our reads nor the container's draining of what is left
		// unread block a thread
		input.setReadListener(body);
		if (http.getContentLengthLong() > InfisicalWebhookReceiver.MAX_BODY_SIZE) {
			body.answer(this.receiver::refuseTooLarge);
		}
	}

	private int receiveBlocking(HttpServletRequest request) throws IOException {
		int max = InfisicalWebhookReceiver.MAX_BODY_SIZE;
		if (request.getContentLengthLong() > max) {
			return this.receiver.refuseTooLarge();
		}
		byte[] body = request.getInputStream().readNBytes(max + 1);
		if (body.length > max) {
			return this.receiver.refuseTooLarge();
		}
		return this.receiver.receive(body, request.getHeader(WebhookVerifier.SIGNATURE_HEADER));
	}

	// a filter ahead of this one is not asynchronous: each read waits at most the
	// container's connection timeout, on the request thread
	private void reportBlocking() {
		if (this.blockingReported.compareAndSet(false, true)) {
			logger.warn("The Infisical webhook endpoint reads notices with blocking reads, without its bound of "
					+ this.readTimeout.toMillis()
					+ " ms for the whole body: a filter ahead of it in the chain does not "
					+ "support asynchronous requests (a @WebFilter or a FilterRegistrationBean without asyncSupported)");
		}
	}

	// a notice that is not taken may have a body still on its way, not worth reading
	private static boolean closes(int status) {
		return status != InfisicalWebhookReceiver.ACCEPTED && status != InfisicalWebhookReceiver.UNAUTHORIZED;
	}

	private static void answer(HttpServletResponse response, int status, boolean close) {
		response.setStatus(status);
		if (close) {
			// the rest of the body is not worth waiting for
			response.setHeader("Connection", "close");
		}
		response.setContentLength(0);
	}

	/**
	 * The body of one notice, read as its bytes arrive, on a container thread only while
	 * there are bytes to read; answered once, when it is complete, too large or late.
	 */
	private final class Body implements ReadListener, AsyncListener {

		private final AsyncContext async;

		private final ServletInputStream input;

		private final @Nullable String signature;

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);

		private final byte[] buffer = new byte[1024];

		// the container may call onTimeout while a read callback runs
		private final AtomicBoolean answered = new AtomicBoolean();

		Body(AsyncContext async, ServletInputStream input, @Nullable String signature) {
			this.async = async;
			this.input = input;
			this.signature = signature;
		}

		@Override
		public void onDataAvailable() throws IOException {
			while (!this.answered.get() && !this.input.isFinished() && this.input.isReady()) {
				int read = this.input.read(this.buffer);
				if (read == -1) {
					return;
				}
				if (this.bytes.size() + read > InfisicalWebhookReceiver.MAX_BODY_SIZE) {
					answer(InfisicalWebhookFilter.this.receiver::refuseTooLarge);
					return;
				}
				this.bytes.write(this.buffer, 0, read);
			}
		}

		@Override
		public void onAllDataRead() {
			answer(() -> InfisicalWebhookFilter.this.receiver.receive(this.bytes.toByteArray(), this.signature));
		}

		@Override
		public void onError(Throwable ex) {
			// the client went away (then nobody hears the answer) or broke the request,
			// as
			// with a malformed chunk
			answer(() -> InfisicalWebhookFilter.this.receiver.refuseUnreadable(ex));
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			answer(() -> InfisicalWebhookFilter.this.receiver.refuseTooSlow(InfisicalWebhookFilter.this.readTimeout));
		}

		@Override
		public void onComplete(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
			onError(event.getThrowable());
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

		// the receiver hears of each notice once, whichever callback comes first, and the
		// request ends whatever the receiver does
		void answer(IntSupplier receiver) {
			if (this.answered.compareAndSet(false, true)) {
				int status = INTERNAL_SERVER_ERROR;
				try {
					status = receiver.getAsInt();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not take an Infisical webhook notice", ex);
				}
				finally {
					try {
						HttpServletResponse response = (HttpServletResponse) this.async.getResponse();
						if (!response.isCommitted()) {
							InfisicalWebhookFilter.answer(response, status, closes(status));
						}
					}
					finally {
						this.async.complete();
					}
				}
			}
		}

	}

}
