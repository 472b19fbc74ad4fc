package io.github.infisicalawsauth.client;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Integration tests for {@link InfisicalHttpClient} over a JDK {@link HttpClient} against
 * the in-process Infisical test server.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalHttpClientIntegrationTests {

	private InfisicalTestServer server;

	@BeforeEach
	void startServer() {
		this.server = InfisicalTestServer.start();
		InfisicalTestFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void closesTheJdkClientItOwnsWhenItCanBeClosed() {
		ClosableHttpClient jdkClient = new ClosableHttpClient(HttpClient.newHttpClient());
		InfisicalHttpClient client = new InfisicalHttpClient(InfisicalSiteUrl.of(this.server.url(), false), jdkClient,
				Duration.ofSeconds(5), InfisicalHttpClient.DEFAULT_MAX_RESPONSE_SIZE);
		assertThat(
				InfisicalTestFixtures.authentication(client, InfisicalTestFixtures.IDENTITY_ID).login().accessToken())
			.isNotBlank();
		client.close();
		assertThat(jdkClient.closed).hasValue(1);
	}

	@Test
	void jdkClientIsTerminatedByCloseOnJdk21AndLater() throws Exception {
		assumeThat(Runtime.version().feature()).as("HttpClient can be closed from JDK 21").isGreaterThanOrEqualTo(21);
		HttpClient jdkClient = HttpClient.newHttpClient();
		InfisicalHttpClient client = new InfisicalHttpClient(InfisicalSiteUrl.of(this.server.url(), false), jdkClient,
				Duration.ofSeconds(5), InfisicalHttpClient.DEFAULT_MAX_RESPONSE_SIZE);
		InfisicalTestFixtures.authentication(client, InfisicalTestFixtures.IDENTITY_ID).login();
		client.close();
		Method isTerminated = HttpClient.class.getMethod("isTerminated");
		assertThat(isTerminated.invoke(jdkClient)).isEqualTo(true);
	}

	// what a JDK 21 client looks like, on any JDK
	static final class ClosableHttpClient extends HttpClient implements AutoCloseable {

		private final HttpClient delegate;

		private final AtomicInteger closed = new AtomicInteger();

		ClosableHttpClient(HttpClient delegate) {
			this.delegate = delegate;
		}

		@Override
		public void close() {
			this.closed.incrementAndGet();
		}

		@Override
		public Optional<CookieHandler> cookieHandler() {
			return this.delegate.cookieHandler();
		}

		@Override
		public Optional<Duration> connectTimeout() {
			return this.delegate.connectTimeout();
		}

		@Override
		public Redirect followRedirects() {
			return this.delegate.followRedirects();
		}

		@Override
		public Optional<ProxySelector> proxy() {
			return this.delegate.proxy();
		}

		@Override
		public SSLContext sslContext() {
			return this.delegate.sslContext();
		}

		@Override
		public SSLParameters sslParameters() {
			return this.delegate.sslParameters();
		}

		@Override
		public Optional<Authenticator> authenticator() {
			return this.delegate.authenticator();
		}

		@Override
		public Version version() {
			return this.delegate.version();
		}

		@Override
		public Optional<Executor> executor() {
			return this.delegate.executor();
		}

		@Override
		public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> responseBodyHandler)
				throws IOException, InterruptedException {
			return this.delegate.send(request, responseBodyHandler);
		}

		@Override
		public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
				HttpResponse.BodyHandler<T> responseBodyHandler) {
			return this.delegate.sendAsync(request, responseBodyHandler);
		}

		@Override
		public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
				HttpResponse.BodyHandler<T> responseBodyHandler,
				HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
			return this.delegate.sendAsync(request, responseBodyHandler, pushPromiseHandler);
		}

	}

}
