package io.github.infisicalawsauth.autoconfigure;

import java.lang.reflect.Constructor;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.github.infisicalawsauth.autoconfigure.actuate.InfisicalEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.boot.autoconfigure.ssl.JksSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.PemSslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.SslBundleProperties;
import org.springframework.boot.autoconfigure.ssl.SslProperties;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link InfisicalRuntimeHints}: what the starter reads reflectively outside of
 * bean processing is registered, and what the framework registers is left to it.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalRuntimeHintsTests {

	private final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	private final RuntimeHints hints = registerHints(new InfisicalRuntimeHints());

	@Test
	void registrarIsListedInAotFactories() {
		assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class).asList())
			.hasAtLeastOneElementOfType(InfisicalRuntimeHints.class);
	}

	@Test
	void infisicalPropertiesCanBeBoundWhileConfigurationLoads() throws Exception {
		assertThat(this.reflection.onConstructorInvocation(InfisicalProperties.class.getDeclaredConstructor()))
			.accepts(this.hints);
		assertThat(this.reflection.onMethodInvocation(InfisicalProperties.class.getMethod("setSiteUrl", String.class)))
			.accepts(this.hints);
		assertThat(this.reflection.onMethodInvocation(InfisicalProperties.class.getMethod("getSecrets")))
			.accepts(this.hints);
		// the nested groups
		assertThat(reflection
			.onMethodInvocation(InfisicalProperties.AwsAuth.class.getMethod("setIdentityId", String.class)))
			.accepts(this.hints);
		assertThat(
				this.reflection.onMethodInvocation(InfisicalProperties.Ssl.class.getMethod("setBundle", String.class)))
			.accepts(this.hints);
		assertThat(this.reflection
			.onMethodInvocation(InfisicalProperties.Token.class.getMethod("setFailFast", boolean.class)))
			.accepts(this.hints);
		assertThat(this.reflection
			.onMethodInvocation(InfisicalProperties.Retry.class.getMethod("setMultiplier", double.class)))
			.accepts(this.hints);
		assertThat(reflection
			.onMethodInvocation(InfisicalProperties.Secrets.class.getMethod("setProjectId", String.class)))
			.accepts(this.hints);
	}

	@Test
	void sslPropertiesCanBeBoundWhileConfigurationLoads() throws Exception {
		// infisical.ssl.bundle is built from spring.ssl.bundle.* before SslBundles exists
		assertThat(this.reflection.onConstructorInvocation(SslProperties.class.getDeclaredConstructor()))
			.accepts(this.hints);
		assertThat(this.reflection.onMethodInvocation(SslProperties.class.getMethod("getBundle"))).accepts(this.hints);
		assertThat(this.reflection.onMethodInvocation(SslProperties.Bundles.class.getMethod("getPem")))
			.accepts(this.hints);
		assertThat(this.reflection.onConstructorInvocation(PemSslBundleProperties.class.getDeclaredConstructor()))
			.accepts(this.hints);
		assertThat(this.reflection
			.onMethodInvocation(PemSslBundleProperties.Store.class.getMethod("setCertificate", String.class)))
			.accepts(this.hints);
		assertThat(this.reflection.onConstructorInvocation(JksSslBundleProperties.class.getDeclaredConstructor()))
			.accepts(this.hints);
		assertThat(this.reflection
			.onMethodInvocation(JksSslBundleProperties.Store.class.getMethod("setLocation", String.class)))
			.accepts(this.hints);
		assertThat(
				this.reflection.onMethodInvocation(SslBundleProperties.Key.class.getMethod("setAlias", String.class)))
			.accepts(this.hints);
	}

	@Test
	void optionalClassesCanBeLookedUp() {
		assertThat(this.reflection.onType(TypeReference.of(InfisicalRuntimeHints.STS_CLIENT))).accepts(this.hints);
		assertThat(this.reflection.onType(TypeReference.of(InfisicalRuntimeHints.BOOTSTRAP_PROPERTY_SOURCE)))
			.accepts(this.hints);
	}

	@Test
	void optionalClassesThatAreAbsentAreNotRegistered() {
		ClassLoader withoutSts = new ClassLoader(null) {
			@Override
			protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
				if (name.startsWith("software.amazon.awssdk.services.sts.")) {
					throw new ClassNotFoundException(name);
				}
				return InfisicalRuntimeHintsTests.class.getClassLoader().loadClass(name);
			}
		};
		RuntimeHints hints = new RuntimeHints();
		new InfisicalRuntimeHints().registerHints(hints, withoutSts);
		assertThat(this.reflection.onType(TypeReference.of(InfisicalRuntimeHints.STS_CLIENT))).rejects(hints);
	}

	@Test
	void springFactoriesEntriesAreLeftToSpringFramework() throws Exception {
		// every registrar of aot.factories on the class path, as an AOT build runs them
		RuntimeHints framework = new RuntimeHints();
		AotServices.factories()
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(framework, getClass().getClassLoader()));
		List<Class<?>> factories = ourSpringFactories();
		assertThat(factories).hasSizeGreaterThan(5);
		for (Class<?> factory : factories) {
			for (Constructor<?> constructor : factory.getDeclaredConstructors()) {
				assertThat(this.reflection.onConstructorInvocation(constructor)).as(factory.getName())
					.accepts(framework);
			}
			// nothing of ours duplicates what SpringFactoriesLoaderRuntimeHints does
			assertThat(this.reflection.onType(factory)).as(factory.getName()).rejects(this.hints);
		}
	}

	@Test
	void endpointResponseIsLeftToTheReflectiveProcessorOfReadOperations() throws Exception {
		// the endpoint is a bean: the AOT engine finds its @ReadOperation and registers
		// the binding of what it returns
		RuntimeHints endpointHints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(endpointHints, InfisicalEndpoint.class);
		assertThat(this.reflection.onMethodInvocation(InfisicalEndpoint.ImportDescriptor.class.getMethod("properties")))
			.accepts(endpointHints);
		assertThat(this.reflection.onType(InfisicalEndpoint.ImportDescriptor.class)).rejects(this.hints);
	}

	private static RuntimeHints registerHints(RuntimeHintsRegistrar registrar) {
		RuntimeHints hints = new RuntimeHints();
		registrar.registerHints(hints, InfisicalRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

	private static List<Class<?>> ourSpringFactories() throws Exception {
		// the class path has many spring.factories: ours is next to our classes
		URL location = InfisicalRuntimeHints.class.getProtectionDomain().getCodeSource().getLocation();
		Properties factories = PropertiesLoaderUtils
			.loadProperties(new UrlResource(location).createRelative("META-INF/spring.factories"));
		ClassLoader classLoader = InfisicalRuntimeHintsTests.class.getClassLoader();
		List<Class<?>> classes = new ArrayList<>();
		for (String key : factories.stringPropertyNames()) {
			for (String name : StringUtils.commaDelimitedListToStringArray(factories.getProperty(key))) {
				classes.add(ClassUtils.forName(name.trim(), classLoader));
			}
		}
		return classes;
	}

}
