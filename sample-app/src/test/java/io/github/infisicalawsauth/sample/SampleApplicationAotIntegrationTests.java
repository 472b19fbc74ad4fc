package io.github.infisicalawsauth.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigRegistry;
import org.springframework.context.annotation.AnnotationConfigUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the sample in AOT mode, from the code that the build's {@code process-aot}
 * generated, against its embedded Infisical. It runs the real {@code main} method in this
 * JVM with {@code spring.aot.enabled=true} set for the duration of the test, and captures
 * the context with a {@link SpringApplication#withHook hook}, so that it can check how
 * the context was built, not only what it logs. Test classes run one after the other, so
 * no other test sees the property.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationAotIntegrationTests {

	// the arguments process-aot ran the sample with (sample-app/pom.xml), and a free port
	private static final String[] ARGS = { "--spring.cloud.refresh.enabled=false", "--server.port=0" };

	@Test
	void startsFromGeneratedCodeLogsInAndImportsSecrets(CapturedOutput output) throws Exception {
		String previous = System.setProperty(AotDetector.AOT_ENABLED, "true");
		ConfigurableApplicationContext context = null;
		try {
			context = runMain();
			assertStartedFromGeneratedCode(context);
			EmbeddedInfisical embedded = context.getBean(EmbeddedInfisical.class);
			InfisicalAccessToken token = context.getBean(InfisicalTokenProvider.class).getToken();
			assertThat(embedded.server().isTokenActive(token.value())).isTrue();
			// config data's login serves the application too
			assertThat(embedded.server().loginCount()).isOne();
			assertThat(output).contains("Starting AOT-processed SampleApplication")
				.contains("Logged in to Infisical as machine identity " + EmbeddedInfisical.IDENTITY_ID)
				.contains("[DB_PASSWORD, GREETING]");
			assertThat(context.getEnvironment().getProperty("DB_PASSWORD")).isEqualTo("demo-db-password");
			assertThat(context.getBean(Greeting.class).text()).isEqualTo("Hello from the embedded Infisical");
			String port = context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains(EmbeddedInfisical.IDENTITY_ID);
			// without the refresh scope, polling updates the property source in place
			embedded.changeGreeting();
			ConfigurableApplicationContext polled = context;
			await().atMost(Duration.ofSeconds(15))
				.until(() -> "Hello from the embedded Infisical, edit 1"
					.equals(polled.getEnvironment().getProperty("GREETING")));
			assertThat(embedded.server().loginCount()).isOne();
		}
		finally {
			if (context != null) {
				context.close();
			}
			restore(previous);
		}
		assertThat(output).doesNotContain("demo-db-password")
			.doesNotContain("Hello from the embedded Infisical")
			.doesNotContain("demo-secret-access-key");
	}

	// runs main as the JVM would, keeping hold of the context it starts
	private static ConfigurableApplicationContext runMain() {
		AtomicReference<@Nullable ConfigurableApplicationContext> started = new AtomicReference<>();
		SpringApplication.withHook((application) -> new SpringApplicationRunListener() {

			@Override
			public void ready(ConfigurableApplicationContext context, @Nullable Duration timeTaken) {
				started.set(context);
			}

		}, () -> SampleApplication.main(ARGS));
		ConfigurableApplicationContext context = started.get();
		assertThat(context).as("the context started by main").isNotNull();
		return context;
	}

	private static void assertStartedFromGeneratedCode(ConfigurableApplicationContext context) {
		// not an annotation-driven context: nothing parsed @SpringBootApplication,
		// scanned
		// components or imported auto-configurations at run time
		assertThat(context).isNotInstanceOf(AnnotationConfigRegistry.class);
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		assertThat(
				beanFactory.containsBeanDefinition(AnnotationConfigUtils.CONFIGURATION_ANNOTATION_PROCESSOR_BEAN_NAME))
			.isFalse();
		// the sample's beans and the starter's come from the generated initializer: root
		// definitions with an instance supplier, not scanned or annotated definitions
		for (String name : new String[] { "tokenReporter", "infisicalTokenProvider", "infisicalSecretsPoller" }) {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			assertThat(definition).as(name)
				.isInstanceOf(RootBeanDefinition.class)
				.isNotInstanceOf(AnnotatedBeanDefinition.class);
			assertThat(((RootBeanDefinition) definition).getInstanceSupplier()).as(name).isNotNull();
		}
	}

	private static void restore(@Nullable String previous) {
		if (previous != null) {
			System.setProperty(AotDetector.AOT_ENABLED, previous);
		}
		else {
			System.clearProperty(AotDetector.AOT_ENABLED);
		}
	}

}
