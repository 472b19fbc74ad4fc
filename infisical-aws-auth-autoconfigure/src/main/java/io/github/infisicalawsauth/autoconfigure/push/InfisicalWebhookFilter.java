package io.github.infisicalawsauth.autoconfigure.push;

import java.io.IOException;

import io.github.infisicalawsauth.push.WebhookVerifier;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Answers {@code POST} on the webhook path in a servlet application, ahead of the
 * application's filters and Spring Security: the signature is what authenticates a
 * notice. Other methods pass on to the application. The body is read up to
 * {@link InfisicalWebhookReceiver#MAX_BODY_SIZE}; the answer has none.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalWebhookFilter implements Filter {

	private final InfisicalWebhookReceiver receiver;

	InfisicalWebhookFilter(InfisicalWebhookReceiver receiver) {
		this.receiver = receiver;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)
				|| !"POST".equals(http.getMethod())) {
			chain.doFilter(request, response);
			return;
		}
		answer.setStatus(receive(http));
		answer.setContentLength(0);
	}

	private int receive(HttpServletRequest request) throws IOException {
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

}
