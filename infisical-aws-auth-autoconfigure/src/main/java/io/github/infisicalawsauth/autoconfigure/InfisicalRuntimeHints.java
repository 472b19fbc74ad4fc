package io.github.infisicalawsauth.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * Runtime hints for what the starter reads reflectively outside of bean processing, where
 * the AOT engine cannot see it: the settings that config data binds with a {@code Binder}
 * before any bean exists ({@code infisical.*}, and {@code spring.ssl.*} for an SSL
 * bundle), and the classes whose presence turns features on. The classes of
 * {@code spring.factories} are left to Spring Framework, which registers their
 * constructors itself.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalRuntimeHints implements RuntimeHintsRegistrar {

	// looked up with Class.forName, which a native image answers only for registered
	// types
	static final String STS_CLIENT = "software.amazon.awssdk.services.sts.StsClient";

	static final String BOOTSTRAP_PROPERTY_SOURCE = "org.springframework.cloud.bootstrap.config.BootstrapPropertySource";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(InfisicalProperties.class, SslProperties.class)
			.registerHints(hints, classLoader);
		hints.reflection().registerTypeIfPresent(classLoader, STS_CLIENT);
		hints.reflection().registerTypeIfPresent(classLoader, BOOTSTRAP_PROPERTY_SOURCE);
	}

}
