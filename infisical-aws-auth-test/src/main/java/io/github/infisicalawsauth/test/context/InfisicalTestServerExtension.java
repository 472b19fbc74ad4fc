package io.github.infisicalawsauth.test.context;

import io.github.infisicalawsauth.test.InfisicalTestServer;
import io.github.infisicalawsauth.test.context.InfisicalTestServers.Registration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit Jupiter extension behind {@link InfisicalTestServerTest}: starts the class's
 * server before its {@code @BeforeAll} methods (unless Spring's context customizer
 * factory already did), resolves {@link InfisicalTestServer} and
 * {@link InfisicalTestServerSettings} parameters, and closes the server after the class.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalTestServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	@Override
	public void beforeAll(ExtensionContext context) {
		registration(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		InfisicalTestServers.release(context.getRequiredTestClass());
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == InfisicalTestServer.class || type == InfisicalTestServerSettings.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		InfisicalTestServerSettings settings = registration(extensionContext).settings();
		return (parameterContext.getParameter().getType() == InfisicalTestServer.class) ? settings.server() : settings;
	}

	private static Registration registration(ExtensionContext context) {
		Registration registration = InfisicalTestServers.obtain(context.getRequiredTestClass());
		if (registration == null) {
			// registered with @ExtendWith instead of the annotation
			throw new ExtensionConfigurationException("Annotate " + context.getRequiredTestClass().getName()
					+ " with @InfisicalTestServerTest instead of registering its extension directly");
		}
		return registration;
	}

}
