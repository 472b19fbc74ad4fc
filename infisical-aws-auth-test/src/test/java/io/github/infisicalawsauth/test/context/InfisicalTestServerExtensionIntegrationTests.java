package io.github.infisicalawsauth.test.context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the JUnit extension behind {@link InfisicalTestServerTest}, running example
 * test classes with the JUnit launcher to see what happens around them.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalTestServerExtensionIntegrationTests {

	private static final List<Object> seen = new ArrayList<>();

	private static final Map<String, Object> seenBy = new HashMap<>();

	@BeforeEach
	@AfterEach
	void forget() {
		seen.clear();
		seenBy.clear();
	}

	@Test
	void serverRunsFromBeforeAllToTheEndOfTheClassAndIsResolvedAsParameter() {
		run(LifecycleExample.class);
		assertThat(seen).hasSize(4).allSatisfy((server) -> assertThat(server).isSameAs(seen.get(0)));
		InfisicalTestServer server = (InfisicalTestServer) seen.get(0);
		assertThat(server.generation()).isEqualTo(Generation.CURRENT);
		assertThat(server.isRunning()).isFalse();
		assertThat(InfisicalTestServers.find(LifecycleExample.class)).isNull();
	}

	@Test
	void annotationChoosesGenerationProjectEnvironmentAndIdentity() {
		run(AttributesExample.class);
		InfisicalTestServerSettings settings = (InfisicalTestServerSettings) seen.get(0);
		assertThat(settings.server().generation()).isEqualTo(Generation.V2024);
		assertThat(settings.identityId()).isEqualTo("orders-identity");
		assertThat(settings.projectId()).isEqualTo("orders");
		assertThat(settings.environment()).isEqualTo("prod");
		assertThat(settings.properties()).containsExactly(entry("infisical.site-url", settings.server().url()),
				entry("infisical.aws-auth.identity-id", "orders-identity"),
				entry("infisical.aws-auth.region", "us-east-1"), entry("infisical.aws-auth.verify-with-sts", "false"),
				entry("infisical.secrets.project-id", "orders"), entry("infisical.secrets.environment", "prod"));
		assertThat(settings.toString()).doesNotContain(settings.secretAccessKey())
			.doesNotContain(settings.sessionToken());
	}

	@Test
	void demoCredentialsAreAcceptedByTheServersSts() {
		run(StsExample.class);
		assertThat(seen).containsExactly(InfisicalTestServerSettings.PRINCIPAL_ARN);
	}

	@Test
	void nestedClassSharesTheEnclosingServerAndAnnotatedNestedClassGetsItsOwn() {
		run(OuterExample.class);
		assertThat(seenBy).hasSize(3);
		InfisicalTestServer outer = (InfisicalTestServer) seenBy.get("outer");
		assertThat(seenBy.get("sharing")).isSameAs(outer);
		InfisicalTestServer own = (InfisicalTestServer) seenBy.get("own");
		assertThat(own).isNotSameAs(outer);
		assertThat(own.generation()).isEqualTo(Generation.V2024);
		assertThat(outer.isRunning()).isFalse();
		assertThat(own.isRunning()).isFalse();
	}

	@Test
	void eachClassGetsItsOwnServerAndContextThatClosesAfterIt() {
		// alike in everything but their class: without the server in the context
		// cache key, the second would get the first one's context
		run(FirstSpringExample.class, SecondSpringExample.class);
		assertThat(seen).hasSize(4);
		InfisicalTestServer firstServer = (InfisicalTestServer) seen.get(0);
		ConfigurableApplicationContext firstContext = (ConfigurableApplicationContext) seen.get(1);
		InfisicalTestServer secondServer = (InfisicalTestServer) seen.get(2);
		ConfigurableApplicationContext secondContext = (ConfigurableApplicationContext) seen.get(3);
		assertThat(secondServer).isNotSameAs(firstServer);
		assertThat(secondContext).isNotSameAs(firstContext);
		assertThat(firstContext.getEnvironment().getProperty("infisical.site-url")).isEqualTo(firstServer.url());
		assertThat(secondContext.getEnvironment().getProperty("infisical.site-url")).isEqualTo(secondServer.url());
		assertThat(firstContext.isActive()).isFalse();
		assertThat(secondContext.isActive()).isFalse();
	}

	@Test
	void contextNotStartedBySpringBootGetsTheSettingsForItsBeans() {
		run(PlainSpringExample.class);
		InfisicalTestServer server = (InfisicalTestServer) seen.get(0);
		ConfigurableApplicationContext context = (ConfigurableApplicationContext) seen.get(1);
		assertThat(context.getEnvironment().getProperty("infisical.site-url")).isEqualTo(server.url());
		assertThat(context.getEnvironment().getProperty("infisical.secrets.project-id")).isEqualTo("test-project");
		assertThat(seen.get(2)).isEqualTo(InfisicalTestServerSettings.ACCESS_KEY_ID);
	}

	private static void run(Class<?>... testClasses) {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(Arrays.stream(testClasses).map(DiscoverySelectors::selectClass).toList())
			.build();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request, listener);
		TestExecutionSummary summary = listener.getSummary();
		assertThat(summary.getFailures()).as("failures of the example classes")
			.extracting((failure) -> failure.getException().toString())
			.isEmpty();
		assertThat(summary.getTestsSucceededCount()).isPositive();
	}

	private static Map.Entry<String, String> entry(String key, String value) {
		return Map.entry(key, value);
	}

	@InfisicalTestServerTest
	static class LifecycleExample {

		LifecycleExample(InfisicalTestServer server) {
			seen.add(server);
		}

		@BeforeAll
		static void seed(InfisicalTestServer server) {
			assertThat(server.isRunning()).isTrue();
			seen.add(server);
		}

		@BeforeEach
		void before(InfisicalTestServer server) {
			seen.add(server);
		}

		@Test
		void test(InfisicalTestServerSettings settings) {
			seen.add(settings.server());
		}

	}

	@InfisicalTestServerTest(generation = Generation.V2024, projectId = "orders", environment = "prod",
			identityId = "orders-identity")
	static class AttributesExample {

		@Test
		void test(InfisicalTestServerSettings settings) {
			seen.add(settings);
		}

	}

	@InfisicalTestServerTest
	static class StsExample {

		@Test
		void test(InfisicalTestServerSettings settings) {
			AwsSessionCredentials credentials = AwsSessionCredentials.create(settings.accessKeyId(),
					settings.secretAccessKey(), settings.sessionToken());
			try (StsClient sts = StsClient.builder()
				.region(Region.of(settings.region()))
				.endpointOverride(settings.server().stsEndpoint())
				.credentialsProvider(StaticCredentialsProvider.create(credentials))
				.build()) {
				seen.add(sts.getCallerIdentity().arn());
			}
		}

	}

	@InfisicalTestServerTest
	static class OuterExample {

		@Test
		void test(InfisicalTestServer server) {
			seenBy.put("outer", server);
		}

		@Nested
		class SharingTests {

			@Test
			void test(InfisicalTestServer server) {
				seenBy.put("sharing", server);
			}

		}

		@Nested
		@InfisicalTestServerTest(generation = Generation.V2024)
		class OwnServerTests {

			@Test
			void test(InfisicalTestServer server) {
				seenBy.put("own", server);
			}

		}

	}

	@InfisicalTestServerTest
	@SpringBootTest(classes = EmptyApplication.class)
	static class FirstSpringExample {

		@Test
		void test(InfisicalTestServer server, @Autowired ConfigurableApplicationContext context) {
			seen.add(server);
			seen.add(context);
		}

	}

	@InfisicalTestServerTest
	@SpringBootTest(classes = EmptyApplication.class)
	static class SecondSpringExample {

		@Test
		void test(InfisicalTestServer server, @Autowired ConfigurableApplicationContext context) {
			seen.add(server);
			seen.add(context);
		}

	}

	@SpringJUnitConfig(EmptyConfiguration.class)
	@InfisicalTestServerTest
	static class PlainSpringExample {

		@Test
		void test(InfisicalTestServer server, @Autowired ConfigurableApplicationContext context,
				@Autowired AwsCredentialsProvider credentials) {
			seen.add(server);
			seen.add(context);
			seen.add(credentials.resolveCredentials().accessKeyId());
		}

	}

	@SpringBootConfiguration
	static class EmptyApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
