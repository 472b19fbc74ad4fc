package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Duration;

import org.junit.jupiter.api.Tag;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * {@link InfisicalWebhookWebFilter} in an embedded Reactor Netty server, spoken to over
 * plain sockets: a body that does not arrive in time is refused within the filter's
 * bound, as in a servlet application.
 *
 * @author Infisical AWS Auth contributors
 */
@Tag("push")
class InfisicalWebhookWebFilterIntegrationTests extends WebhookEndpointIntegrationTests {

	@Override
	void start(Duration readTimeout) {
		// the application, which never gets a notice
		WebHttpHandlerBuilder handler = WebHttpHandlerBuilder.webHandler((exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			return exchange.getResponse().setComplete();
		})
			.filter(new InfisicalWebhookWebFilter(receiver(this.notices), "/infisical/webhook",
					InfisicalWebhookAutoConfiguration.FILTER_ORDER, readTimeout));
		this.server = new NettyReactiveWebServerFactory(0).getWebServer(handler.build());
		this.server.start();
	}

}
