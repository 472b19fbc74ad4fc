package io.github.infisicalawsauth.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;

import io.github.infisicalawsauth.autoconfigure.config.InfisicalPropertySource;

import org.springframework.cloud.bootstrap.config.BootstrapPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Finds the property sources of {@code infisical:} imports in an environment.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalImports {

	private static final boolean BOOTSTRAP_PRESENT = ClassUtils.isPresent(
			"org.springframework.cloud.bootstrap.config.BootstrapPropertySource",
			InfisicalImports.class.getClassLoader());

	private InfisicalImports() {
	}

	static List<InfisicalPropertySource> find(ConfigurableEnvironment environment) {
		List<InfisicalPropertySource> sources = new ArrayList<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (unwrap(source) instanceof InfisicalPropertySource infisical) {
				sources.add(infisical);
			}
		}
		return sources;
	}

	static PropertySource<?> unwrap(PropertySource<?> source) {
		// spring-cloud-context's legacy bootstrap wraps located property sources
		return BOOTSTRAP_PRESENT ? BootstrapSources.unwrap(source) : source;
	}

	/**
	 * Kept apart so that the class is only loaded when spring-cloud-context is present.
	 */
	private static final class BootstrapSources {

		static PropertySource<?> unwrap(PropertySource<?> source) {
			return (source instanceof BootstrapPropertySource<?> bootstrap) ? bootstrap.getDelegate() : source;
		}

	}

}
