package io.github.infisicalawsauth.test.context;

import java.util.List;

import io.github.infisicalawsauth.test.context.InfisicalTestServers.Registration;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Makes the server of a {@link InfisicalTestServerTest} class part of the key of Spring's
 * test context cache, so that a class never gets a cached context that talks to another
 * class's server, however alike their configuration. Spring builds the key when it first
 * prepares the class, possibly before the JUnit extension's {@code beforeAll}: the server
 * is started here then.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalTestServerContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		Registration registration = InfisicalTestServers.obtain(testClass);
		return (registration != null) ? new InfisicalTestServerContextCustomizer(registration) : null;
	}

	/**
	 * Equal for the same server only. Where the context is not started by Spring Boot (no
	 * environment post-processor ran: a plain {@code @ContextConfiguration}), adds the
	 * properties and the fallback credentials bean itself, in time for the beans but not
	 * for config data.
	 */
	static final class InfisicalTestServerContextCustomizer implements ContextCustomizer {

		private final long serial;

		private final String siteUrl;

		private final InfisicalTestServerSettings settings;

		InfisicalTestServerContextCustomizer(Registration registration) {
			this.serial = registration.serial();
			this.siteUrl = registration.settings().siteUrl();
			this.settings = registration.settings();
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			if (TestServerPropertySource.isIn(context.getEnvironment())) {
				return;
			}
			TestServerPropertySource.addTo(context.getEnvironment(), this.settings);
			if (TestServerCredentials.isAwsSdkPresent()) {
				TestServerCredentials.registerBean(context, this.settings);
			}
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof InfisicalTestServerContextCustomizer customizer && this.serial == customizer.serial
					&& this.siteUrl.equals(customizer.siteUrl);
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.serial) * 31 + this.siteUrl.hashCode();
		}

		@Override
		public String toString() {
			return "InfisicalTestServerContextCustomizer[" + this.siteUrl + ", server #" + this.serial + "]";
		}

	}

}
