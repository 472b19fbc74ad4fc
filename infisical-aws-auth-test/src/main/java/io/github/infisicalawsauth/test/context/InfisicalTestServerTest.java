package io.github.infisicalawsauth.test.context;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.InfisicalTestServer;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.test.annotation.DirtiesContext;

/**
 * Runs a JUnit Jupiter test class against its own {@link InfisicalTestServer}, and points
 * the Spring application context of a {@code @SpringBootTest} at it, including
 * {@code spring.config.import=infisical:}: <pre class="code">
 * &#64;InfisicalTestServerTest
 * &#64;SpringBootTest(properties = "spring.config.import=infisical:")
 * class OrderServiceTests {
 *
 *     &#64;BeforeAll
 *     static void seed(InfisicalTestServer server) {
 *         server.project("test-project").environment("dev").secret("API_KEY", "test-key");
 *     }
 *
 *     &#64;Test
 *     void readsTheSecret(&#64;Autowired Environment environment) {
 *         assertThat(environment.getProperty("API_KEY")).isEqualTo("test-key");
 *     }
 *
 * }
 * </pre>
 * <p>
 * Before the class's {@code @BeforeAll} methods, a server of the chosen
 * {@link #generation() generation} is started. Demo AWS credentials that its stand-in for
 * STS accepts are registered, with a machine identity ({@link #identityId()}) that may
 * log in with them and read the project {@link #projectId()}, whose environment
 * {@link #environment()} exists (empty). Test methods, lifecycle methods and constructors
 * may declare a parameter of type {@link InfisicalTestServer} (to seed secrets, inject
 * {@link io.github.infisicalawsauth.test.Fault faults}, count requests) or
 * {@link InfisicalTestServerSettings}. The server is closed after the class; a
 * {@code @Nested} class without an annotation of its own shares its enclosing class's
 * server.
 * <p>
 * A Spring Boot application that the class starts through the Spring TestContext
 * Framework ({@code @SpringBootTest} and test slices) gets, before Spring Boot processes
 * {@code spring.config.import}:
 * <ul>
 * <li>the properties of {@link InfisicalTestServerSettings#properties()}:
 * {@code infisical.site-url}, {@code infisical.aws-auth.identity-id},
 * {@code infisical.aws-auth.region}, {@code infisical.aws-auth.verify-with-sts=false} (a
 * test never asks the real AWS STS), {@code infisical.secrets.project-id} and
 * {@code infisical.secrets.environment}. They win over system properties, environment
 * variables and application files; the test's own properties
 * ({@code @SpringBootTest(properties)}, {@code @TestPropertySource}, arguments) win over
 * them.</li>
 * <li>the demo credentials as the {@code AwsCredentialsProvider} of the bootstrap
 * registry, which config data signs with, unless the application registered one there,
 * and then as a fallback {@code AwsCredentialsProvider} bean, so that the token provider
 * bean of an application without {@code infisical:} imports signs with them too, unless
 * the application defines a bean of its own. (Auto-configurations that back off when an
 * {@code AwsCredentialsProvider} bean exists see it too.)</li>
 * </ul>
 * Nothing JVM-wide is set: no system property, no AWS SDK setting. The server's URL is
 * part of the key of Spring's test context cache, so a context is never shared with
 * another class's server, and the class's context is closed after the class
 * ({@link DirtiesContext}), since the server it talks to is.
 * <p>
 * The context starts when the first test instance is prepared, after the
 * {@code @BeforeAll} methods, so secrets seeded there are read by config data at startup.
 * With {@code @TestInstance(Lifecycle.PER_CLASS)} the context starts before them. An
 * application started by the test itself ({@code SpringApplication.run(...)}) is not
 * configured: give it {@link InfisicalTestServerSettings#properties()} and the demo
 * credentials yourself.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(InfisicalTestServerExtension.class)
@DirtiesContext
public @interface InfisicalTestServerTest {

	/**
	 * Generation of the server.
	 * @return the generation
	 */
	Generation generation() default Generation.CURRENT;

	/**
	 * Id of the project that the identity may read, set as
	 * {@code infisical.secrets.project-id}.
	 * @return the project id
	 */
	String projectId() default "test-project";

	/**
	 * Slug of the environment created in the project, set as
	 * {@code infisical.secrets.environment}.
	 * @return the environment slug
	 */
	String environment() default "dev";

	/**
	 * Id of the machine identity that logs in with the demo AWS credentials, set as
	 * {@code infisical.aws-auth.identity-id}.
	 * @return the identity id
	 */
	String identityId() default "test-identity";

}
