package io.github.infisicalawsauth.autoconfigure.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.infisicalawsauth.benchmarks.BenchmarkFixtures;
import io.github.infisicalawsauth.test.FolderSpec;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * One secret change end to end in a Spring application that imports a folder of 10, 1 000
 * or 10 000 secrets with {@code spring.config.import=infisical:} from the in-process test
 * server, with {@code spring-cloud-context} on the classpath (as in the sample), so a
 * change triggers a context refresh that loads the configuration again.
 * <p>
 * {@code change}: the test server's secret {@code KEY_00001} gets a new value, then the
 * application's poller checks once ({@code InfisicalSecretsPoller.poll()}, which this
 * benchmark reaches from the poller's package), which reads the folder, publishes the
 * refresh and returns when it is done; the operation fails unless the {@code Environment}
 * then answers the new value. The poller's own schedule is set to an hour so that it does
 * not run in between. {@code unchanged}, the baseline: the same poll when nothing changed
 * ({@code 304}).
 *
 * @author Infisical AWS Auth contributors
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class SecretChangeBenchmark {

	private static final String CHANGED_KEY = "KEY_00001";

	@Param({ "10", "1000", "10000" })
	public int secrets;

	private InfisicalTestServer server;

	private ConfigurableApplicationContext context;

	private ConfigurableEnvironment environment;

	private InfisicalSecretsPoller poller;

	private FolderSpec folder;

	private int changes;

	@Setup(Level.Trial)
	public void start() {
		this.server = InfisicalTestServer.start();
		BenchmarkFixtures.configure(this.server, Duration.ofHours(1), Duration.ofDays(1));
		this.folder = BenchmarkFixtures.fill(this.server, BenchmarkFixtures.FOLDER, this.secrets);
		this.context = application(this.server).run();
		this.environment = this.context.getEnvironment();
		this.poller = this.context.getBean(InfisicalSecretsPoller.class);
		if (this.environment.getProperty(CHANGED_KEY) == null) {
			throw new IllegalStateException("the import did not happen");
		}
	}

	/**
	 * Return an application that imports {@link BenchmarkFixtures#FOLDER} of the
	 * benchmark project, polling it once an hour.
	 * @param server the server
	 * @return the application, to run
	 */
	public static SpringApplication application(InfisicalTestServer server) {
		SpringApplication application = new SpringApplication(ImportingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("infisical.site-url", server.url());
		properties.put("infisical.aws-auth.identity-id", BenchmarkFixtures.IDENTITY_ID);
		properties.put("infisical.aws-auth.region", "us-east-1");
		properties.put("infisical.max-response-size", BenchmarkFixtures.MAX_RESPONSE_SIZE + "B");
		properties.put("infisical.secrets.project-id", BenchmarkFixtures.PROJECT_ID);
		properties.put("infisical.secrets.environment", BenchmarkFixtures.ENVIRONMENT);
		properties.put("infisical.secrets.refresh-interval", "1h");
		properties.put("spring.config.import", "infisical:" + BenchmarkFixtures.FOLDER);
		properties.put("spring.main.banner-mode", "off");
		application.setDefaultProperties(properties);
		AwsCredentialsProvider credentials = BenchmarkFixtures.credentials();
		// config data runs before any bean exists: it finds the credentials here
		application.addBootstrapRegistryInitializer((registry) -> registry.register(AwsCredentialsProvider.class,
				BootstrapRegistry.InstanceSupplier.of(credentials)));
		return application;
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
		this.server.close();
	}

	@Benchmark
	public Set<String> change() {
		String value = "changed-" + (++this.changes) + "-" + "x".repeat(BenchmarkFixtures.VALUE_LENGTH - 20);
		this.folder.secret(CHANGED_KEY, value);
		Set<String> changed = this.poller.poll();
		if (!value.equals(this.environment.getProperty(CHANGED_KEY))) {
			throw new IllegalStateException("the new value is not visible after the poll; changed: " + changed);
		}
		return changed;
	}

	@Benchmark
	public Set<String> unchanged() {
		Set<String> changed = this.poller.poll();
		if (!changed.isEmpty()) {
			throw new IllegalStateException("nothing changed, yet the poll reports " + changed);
		}
		return changed;
	}

	/**
	 * The application: auto-configuration only.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class ImportingApplication {

	}

}
