package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.infisicalawsauth.push.WebhookVerifier;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Answers {@code POST} on the webhook path in a WebFlux application, ahead of the
 * application's filters and Spring Security: the signature is what authenticates a
 * notice. Other requests pass on to the application. The body is read up to
 * {@link InfisicalWebhookReceiver#MAX_BODY_SIZE} and must arrive within
 * {@link InfisicalWebhookFilter#READ_TIMEOUT}, as in a servlet application; the answer
 * has none.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalWebhookWebFilter implements WebFilter, Ordered {

	private final InfisicalWebhookReceiver receiver;

	private final String path;

	private final int order;

	private final Duration readTimeout;

	InfisicalWebhookWebFilter(InfisicalWebhookReceiver receiver, String path, int order) {
		this(receiver, path, order, InfisicalWebhookFilter.READ_TIMEOUT);
	}

	InfisicalWebhookWebFilter(InfisicalWebhookReceiver receiver, String path, int order, Duration readTimeout) {
		this.receiver = receiver;
		this.path = path;
		this.order = order;
		this.readTimeout = readTimeout;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (request.getMethod() != HttpMethod.POST
				|| !this.path.equals(request.getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		int max = InfisicalWebhookReceiver.MAX_BODY_SIZE;
		Mono<Integer> status;
		if (request.getHeaders().getContentLength() > max) {
			status = Mono.fromSupplier(this.receiver::refuseTooLarge);
		}
		else {
			String signature = request.getHeaders().getFirst(WebhookVerifier.SIGNATURE_HEADER);
			// no thread waits for the body, but a connection that sends it slowly or not
			// at all is held until this deadline
			status = DataBufferUtils.join(request.getBody(), max)
				.timeout(this.readTimeout)
				.map(InfisicalWebhookWebFilter::bytes)
				.defaultIfEmpty(new byte[0])
				.map((body) -> this.receiver.receive(body, signature))
				.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.fromSupplier(this.receiver::refuseTooLarge))
				.onErrorResume(TimeoutException.class,
						(ex) -> Mono.fromSupplier(() -> this.receiver.refuseTooSlow(this.readTimeout)));
		}
		return status.flatMap((code) -> {
			exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(code));
			if (code != InfisicalWebhookReceiver.ACCEPTED && code != InfisicalWebhookReceiver.UNAUTHORIZED) {
				// the rest of the body is not worth waiting for
				exchange.getResponse().getHeaders().set("Connection", "close");
			}
			return exchange.getResponse().setComplete();
		});
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
