package io.github.infisicalawsauth.test.context;

import java.util.LinkedHashMap;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * The {@code infisical.*} properties of a test server in an application's
 * {@code Environment}.
 *
 * @author Infisical AWS Auth contributors
 */
final class TestServerPropertySource extends MapPropertySource {

	static final String NAME = "infisicalTestServer";

	private TestServerPropertySource(InfisicalTestServerSettings settings) {
		super(NAME, new LinkedHashMap<>(settings.properties()));
	}

	/**
	 * Add the properties right before the system properties: what the test declares
	 * ({@code @SpringBootTest(properties)}, {@code @TestPropertySource}, arguments) sits
	 * above and wins; system properties, environment variables and application files,
	 * which may name a real Infisical, sit below and lose.
	 * @param environment the environment
	 * @param settings the settings of the server
	 */
	static void addTo(ConfigurableEnvironment environment, InfisicalTestServerSettings settings) {
		MutablePropertySources sources = environment.getPropertySources();
		TestServerPropertySource source = new TestServerPropertySource(settings);
		if (sources.contains(NAME)) {
			sources.replace(NAME, source);
		}
		else if (sources.contains(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
			sources.addBefore(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, source);
		}
		else {
			sources.addFirst(source);
		}
	}

	static boolean isIn(ConfigurableEnvironment environment) {
		return environment.getPropertySources().contains(NAME);
	}

}
