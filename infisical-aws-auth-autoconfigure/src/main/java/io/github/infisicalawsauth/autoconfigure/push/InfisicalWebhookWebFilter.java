package io.github.infisicalawsauth.autoconfigure.push;

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
 * {@link InfisicalWebhookReceiver#MAX_BODY_SIZE}; the answer has none.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalWebhookWebFilter implements WebFilter, Ordered {

	private final InfisicalWebhookReceiver receiver;

	private final String path;

	private final int order;

	InfisicalWebhookWebFilter(InfisicalWebhookReceiver receiver, String path, int order) {
		this.receiver = receiver;
		this.path = path;
		this.order = order;
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
			status = DataBufferUtils.join(request.getBody(), max)
				.map(InfisicalWebhookWebFilter::bytes)
				.defaultIfEmpty(new byte[0])
				.map((body) -> this.receiver.receive(body, signature))
				.onErrorResume(DataBufferLimitException.class,
						(ex) -> Mono.fromSupplier(this.receiver::refuseTooLarge));
		}
		return status.flatMap((code) -> {
			exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(code));
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
