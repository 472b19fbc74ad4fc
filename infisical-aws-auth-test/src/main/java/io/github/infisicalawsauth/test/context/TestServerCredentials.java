package io.github.infisicalawsauth.test.context;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Hands the demo AWS credentials of a test server to an application: to config data
 * through the bootstrap registry, to the beans as a fallback bean. The only class of this
 * package that uses the AWS SDK, which is an optional dependency.
 *
 * @author Infisical AWS Auth contributors
 */
final class TestServerCredentials {

	static final String BEAN_NAME = "infisicalTestServerAwsCredentialsProvider";

	private static final String PROVIDER_CLASS = "software.amazon.awssdk.auth.credentials.AwsCredentialsProvider";

	private TestServerCredentials() {
	}

	static boolean isAwsSdkPresent() {
		return ClassUtils.isPresent(PROVIDER_CLASS, TestServerCredentials.class.getClassLoader());
	}

	/**
	 * Register the credentials in the bootstrap registry, where config data looks for
	 * them before any bean exists, unless the application registered its own, and, when
	 * the bootstrap context closes, as a fallback bean of the application context.
	 * @param bootstrap the bootstrap context of the application
	 * @param settings the settings of the server
	 */
	static void register(ConfigurableBootstrapContext bootstrap, InfisicalTestServerSettings settings) {
		if (bootstrap.isRegistered(AwsCredentialsProvider.class)) {
			// the application's own, or ours again on a spring-cloud-context refresh
			return;
		}
		AwsCredentialsProvider provider = provider(settings);
		bootstrap.register(AwsCredentialsProvider.class, InstanceSupplier.of(provider));
		// the same instance, so that config data's check sees one set of credentials
		bootstrap.addCloseListener((event) -> registerBean(event.getApplicationContext(), provider));
	}

	/**
	 * Register the credentials as a fallback {@code AwsCredentialsProvider} bean: one
	 * that the application defines wins.
	 * @param context the application context, not yet refreshed
	 * @param settings the settings of the server
	 */
	static void registerBean(ConfigurableApplicationContext context, InfisicalTestServerSettings settings) {
		registerBean(context, provider(settings));
	}

	private static void registerBean(ConfigurableApplicationContext context, AwsCredentialsProvider provider) {
		BeanDefinitionRegistry registry = registry(context);
		// the bootstrap context's close hook can fire twice
		if (registry == null || registry.containsBeanDefinition(BEAN_NAME)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(AwsCredentialsProvider.class, () -> provider);
		definition.setFallback(true);
		registry.registerBeanDefinition(BEAN_NAME, definition);
	}

	private static @Nullable BeanDefinitionRegistry registry(ConfigurableApplicationContext context) {
		if (context instanceof BeanDefinitionRegistry registry) {
			return registry;
		}
		return (context.getBeanFactory() instanceof BeanDefinitionRegistry registry) ? registry : null;
	}

	private static AwsCredentialsProvider provider(InfisicalTestServerSettings settings) {
		return StaticCredentialsProvider.create(AwsSessionCredentials.create(settings.accessKeyId(),
				settings.secretAccessKey(), settings.sessionToken()));
	}

}
