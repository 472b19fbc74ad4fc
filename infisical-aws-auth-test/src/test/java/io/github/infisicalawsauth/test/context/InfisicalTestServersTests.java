package io.github.infisicalawsauth.test.context;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

import io.github.infisicalawsauth.test.Generation;
import io.github.infisicalawsauth.test.context.InfisicalTestServerContextCustomizerFactory.InfisicalTestServerContextCustomizer;
import io.github.infisicalawsauth.test.context.InfisicalTestServers.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.BootstrapUtils;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalTestServers} and the context cache key that
 * {@link InfisicalTestServerContextCustomizerFactory} makes of a registration.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalTestServersTests {

	@AfterEach
	void release() {
		InfisicalTestServers.release(First.class);
		InfisicalTestServers.release(Second.class);
	}

	@Test
	void findsTheAnnotationDirectlyInheritedMetaPresentOrOnAnInterface() {
		assertThat(InfisicalTestServers.findAnnotation(First.class)).isNotNull();
		assertThat(InfisicalTestServers.findAnnotation(Inheriting.class)).isNotNull();
		assertThat(InfisicalTestServers.findAnnotation(MetaAnnotated.class).generation()).isEqualTo(Generation.V2024);
		assertThat(InfisicalTestServers.findAnnotation(Implementing.class)).isNotNull();
		assertThat(InfisicalTestServers.findAnnotation(NotAnnotated.class)).isNull();
	}

	@Test
	void innerClassBelongsToTheEnclosingClassAndStaticNestedClassDoesNot() {
		assertThat(InfisicalTestServers.declaringClass(First.Inner.class)).isEqualTo(First.class);
		assertThat(InfisicalTestServers.declaringClass(First.StaticNested.class)).isNull();
		assertThat(InfisicalTestServers.obtain(NotAnnotated.class)).isNull();
	}

	@Test
	void obtainStartsOneServerPerClassAndReleaseClosesIt() {
		Registration first = InfisicalTestServers.obtain(First.class);
		assertThat(InfisicalTestServers.obtain(First.class)).isSameAs(first);
		assertThat(InfisicalTestServers.obtain(First.Inner.class)).isSameAs(first);
		assertThat(InfisicalTestServers.find(First.Inner.class)).isSameAs(first);
		assertThat(InfisicalTestServers.obtain(Second.class)).isNotSameAs(first);
		// an inner class leaves its enclosing class's server alone
		InfisicalTestServers.release(First.Inner.class);
		assertThat(first.settings().server().isRunning()).isTrue();
		InfisicalTestServers.release(First.class);
		assertThat(first.settings().server().isRunning()).isFalse();
		assertThat(InfisicalTestServers.find(First.class)).isNull();
	}

	@Test
	void contextCacheKeyHoldsTheServer() {
		MergedContextConfiguration first = mergedConfiguration(First.class);
		assertThat(first.getContextCustomizers())
			.hasAtLeastOneElementOfType(InfisicalTestServerContextCustomizer.class);
		assertThat(mergedConfiguration(First.class)).isEqualTo(first);
		// alike in everything but the server
		assertThat(mergedConfiguration(Second.class).getContextCustomizers())
			.isNotEqualTo(first.getContextCustomizers());
		// a later server of the same class, even on the same port, is another one
		InfisicalTestServers.release(First.class);
		assertThat(mergedConfiguration(First.class)).isNotEqualTo(first);
	}

	@Test
	void customizersAreEqualForTheSameServerOnly() {
		Registration registration = InfisicalTestServers.obtain(First.class);
		InfisicalTestServerContextCustomizer customizer = new InfisicalTestServerContextCustomizer(registration);
		assertThat(customizer).isEqualTo(new InfisicalTestServerContextCustomizer(registration))
			.hasSameHashCodeAs(new InfisicalTestServerContextCustomizer(registration))
			.isNotEqualTo(new InfisicalTestServerContextCustomizer(
					new Registration(registration.serial() + 1, registration.settings())));
		assertThat(customizer.toString()).contains(registration.settings().siteUrl());
	}

	@Test
	void contextOfTheClassIsClosedAfterIt() {
		DirtiesContext dirtiesContext = TestContextAnnotationUtils.findMergedAnnotation(First.class,
				DirtiesContext.class);
		assertThat(dirtiesContext.classMode()).isEqualTo(DirtiesContext.ClassMode.AFTER_CLASS);
	}

	private static MergedContextConfiguration mergedConfiguration(Class<?> testClass) {
		return BootstrapUtils.resolveTestContextBootstrapper(testClass).buildMergedContextConfiguration();
	}

	@InfisicalTestServerTest
	@SpringBootTest(classes = TestApplication.class)
	static class First {

		class Inner {

		}

		static class StaticNested {

		}

	}

	@InfisicalTestServerTest
	@SpringBootTest(classes = TestApplication.class)
	static class Second {

	}

	static class Inheriting extends First {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@InfisicalTestServerTest(generation = Generation.V2024)
	@interface LegacyServerTest {

	}

	@LegacyServerTest
	static class MetaAnnotated {

	}

	@InfisicalTestServerTest
	interface AnnotatedInterface {

	}

	static class Implementing implements AnnotatedInterface {

	}

	static class NotAnnotated {

	}

	@SpringBootConfiguration
	static class TestApplication {

	}

}
