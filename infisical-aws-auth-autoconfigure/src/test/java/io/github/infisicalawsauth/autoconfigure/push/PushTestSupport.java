package io.github.infisicalawsauth.autoconfigure.push;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalTestFixtures;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalPropertySource;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalReadStatus;
import io.github.infisicalawsauth.push.WebhookVerifier;
import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;

/**
 * What the webhook integration tests share: a test server with the test identity, web
 * applications started against it with a webhook secret key, and plain HTTP.
 *
 * @author Infisical AWS Auth contributors
 */
final class PushTestSupport {

	static final String PROJECT = "project-1";

	static final String KEY = "Webhook-Key-Never-Logged-42";

	// Spring Boot's security auto-configurations, for applications without security
	static final String NO_SECURITY = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration";

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private PushTestSupport() {
	}

	static InfisicalTestServer server(Generation generation) {
		InfisicalTestServer server = InfisicalTestServer.builder()
			.generation(generation)
			.webhookDelay(Duration.ZERO)
			.start();
		InfisicalTestFixtures.configure(server, Duration.ofHours(1), Duration.ofDays(1));
		server.addIdentity(InfisicalTestFixtures.IDENTITY_ID).canReadProject(PROJECT);
		return server;
	}

	static ConfigurableApplicationContext run(InfisicalTestServer server, Class<?> source, WebApplicationType type,
			String... args) {
		SpringApplication application = new SpringApplication(source);
		application.setWebApplicationType(type);
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				InstanceSupplier.of(InfisicalTestFixtures.credentials())));
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--infisical.site-url=" + server.url(),
				"--infisical.aws-auth.identity-id=" + InfisicalTestFixtures.IDENTITY_ID,
				"--infisical.aws-auth.region=us-east-1", "--infisical.secrets.project-id=" + PROJECT,
				"--infisical.secrets.environment=dev", "--infisical.retry.initial-interval=50ms",
				"--infisical.retry.max-interval=200ms", "--infisical.retry.max-elapsed-time=1s",
				"--spring.config.import=infisical:", "--infisical.secrets.webhook.secret-key=" + KEY,
				"--spring.cloud.bus.enabled=false", "--spring.main.banner-mode=off",
				// the tests count reads: an event stream reads every import once more
				// when it opens, at a moment of its own
				"--infisical.secrets.events.enabled=false"));
		arguments.addAll(List.of(args));
		// a later argument replaces an earlier one of the same name
		Map<String, String> byName = new LinkedHashMap<>();
		arguments.forEach((argument) -> byName.put(argument.substring(0, argument.indexOf('=')), argument));
		return application.run(byName.values().toArray(String[]::new));
	}

	static URI url(ConfigurableApplicationContext context, String path) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return URI.create("http://localhost:" + port + path);
	}

	static URI webhook(ConfigurableApplicationContext context) {
		return url(context, "/infisical/webhook");
	}

	static int post(URI url, byte[] body, @Nullable String signature) {
		HttpRequest.Builder request = HttpRequest.newBuilder(url)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (signature != null) {
			request.header(WebhookVerifier.SIGNATURE_HEADER, signature);
		}
		return send(request.build());
	}

	// without Content-Length: the body is cut at the limit while it is read
	static int postChunked(URI url, byte[] body) {
		return send(HttpRequest.newBuilder(url)
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
			.build());
	}

	static int get(URI url) {
		return send(HttpRequest.newBuilder(url).header("Accept", "application/json").GET().build());
	}

	static String getBody(URI url) {
		try {
			return HTTP.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int send(HttpRequest request) {
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return when each import last heard of a change, which a notice that causes a read
	 * sets at once.
	 */
	static List<@Nullable Instant> lastNotices(ConfigurableApplicationContext context) {
		List<@Nullable Instant> notices = new ArrayList<>();
		for (PropertySource<?> source : context.getEnvironment().getPropertySources()) {
			if (source instanceof InfisicalPropertySource infisical) {
				InfisicalReadStatus status = infisical.getReadStatus();
				notices.add((status != null) ? status.getLastNoticeAt() : null);
			}
		}
		return notices;
	}

	static double notices(ConfigurableApplicationContext context, String channel, String outcome) {
		Counter counter = context.getBean(MeterRegistry.class)
			.find(MeterNoticeCounter.NAME)
			.tag("channel", channel)
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
