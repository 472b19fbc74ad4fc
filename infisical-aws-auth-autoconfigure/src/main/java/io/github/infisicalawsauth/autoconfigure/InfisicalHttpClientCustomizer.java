package io.github.infisicalawsauth.autoconfigure;

import java.net.http.HttpClient;

/**
 * Customizes the JDK {@link HttpClient} that talks to Infisical, for example to use a
 * proxy ({@code builder.proxy(ProxySelector.of(...))}), an authenticator or an executor.
 * Define it as a bean for the application's clients; register it in the
 * {@link org.springframework.boot.bootstrap.BootstrapRegistry} as well for the clients
 * that {@code spring.config.import=infisical:} builds before any bean exists.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@FunctionalInterface
public interface InfisicalHttpClientCustomizer {

	/**
	 * Customize the builder of the client.
	 * @param builder the builder, with timeouts, redirects and TLS already set
	 */
	void customize(HttpClient.Builder builder);

}
