package io.github.infisicalawsauth.test.context;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The servers of the {@link InfisicalTestServerTest} classes that are running, by the
 * class that declares the annotation. The JUnit extension, which starts and closes them,
 * and the Spring side, which finds them from the test class that Spring's TestContext
 * Framework hands to its context customizer factory and, as the main application class,
 * to Spring Boot, meet here: nothing else links a test class to the application it starts
 * before Spring Boot reads its configuration. An entry lives from the class's start to
 * its end. Plain Java, no JUnit or Spring types, because the environment post-processor
 * runs in every Spring Boot application that has this module.
 *
 * @author Infisical AWS Auth contributors
 */
final class InfisicalTestServers {

	private static final Map<Class<?>, Registration> registrations = new ConcurrentHashMap<>();

	private static final AtomicLong serials = new AtomicLong();

	private InfisicalTestServers() {
	}

	/**
	 * Return the registration of a test class, starting its server if needed. Whichever
	 * comes first starts it: the JUnit extension or Spring's context customizer factory,
	 * since their order depends on how the test class lists its annotations.
	 * @param testClass the test class, possibly {@code @Nested}
	 * @return the registration, or {@code null} if neither the class nor an enclosing
	 * class is annotated
	 */
	static @Nullable Registration obtain(Class<?> testClass) {
		Class<?> declaringClass = declaringClass(testClass);
		if (declaringClass == null) {
			return null;
		}
		InfisicalTestServerTest annotation = findAnnotation(declaringClass);
		return registrations.computeIfAbsent(declaringClass, (key) -> new Registration(serials.incrementAndGet(),
				InfisicalTestServerSettings.start(annotationOf(annotation))));
	}

	/**
	 * Return the registration of a running test class without starting anything.
	 * @param testClass the test class, possibly {@code @Nested}, or {@code null}
	 * @return the registration, or {@code null} if none is running for it
	 */
	static @Nullable Registration find(@Nullable Class<?> testClass) {
		for (Class<?> candidate = testClass; candidate != null; candidate = enclosingOfInner(candidate)) {
			Registration registration = registrations.get(candidate);
			if (registration != null) {
				return registration;
			}
		}
		return null;
	}

	/**
	 * Close the server of a test class that declares the annotation, and forget it. A
	 * {@code @Nested} class that shares its enclosing class's server leaves it running.
	 * @param testClass the test class
	 */
	static void release(Class<?> testClass) {
		if (testClass.equals(declaringClass(testClass))) {
			Registration registration = registrations.remove(testClass);
			if (registration != null) {
				registration.settings().server().close();
			}
		}
	}

	/**
	 * Return the class whose annotation applies to a test class: the class itself (the
	 * annotation may be inherited or meta-present), else the nearest enclosing class of a
	 * {@code @Nested} (inner) class.
	 * @param testClass the test class
	 * @return the declaring class, or {@code null}
	 */
	static @Nullable Class<?> declaringClass(Class<?> testClass) {
		for (Class<?> candidate = testClass; candidate != null; candidate = enclosingOfInner(candidate)) {
			if (findAnnotation(candidate) != null) {
				return candidate;
			}
		}
		return null;
	}

	private static @Nullable Class<?> enclosingOfInner(Class<?> type) {
		return (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) ? type.getEnclosingClass() : null;
	}

	/**
	 * Find the annotation on a class, its superclasses or interfaces, directly or as a
	 * meta-annotation, as JUnit finds {@code @ExtendWith}.
	 * @param type the class
	 * @return the annotation, or {@code null}
	 */
	static @Nullable InfisicalTestServerTest findAnnotation(Class<?> type) {
		Set<Class<?>> visited = new HashSet<>();
		for (Class<?> candidate = type; candidate != null
				&& candidate != Object.class; candidate = candidate.getSuperclass()) {
			InfisicalTestServerTest found = findOn(candidate, visited);
			if (found != null) {
				return found;
			}
		}
		return null;
	}

	private static @Nullable InfisicalTestServerTest findOn(AnnotatedElement element, Set<Class<?>> visited) {
		InfisicalTestServerTest direct = element.getDeclaredAnnotation(InfisicalTestServerTest.class);
		if (direct != null) {
			return direct;
		}
		for (Annotation annotation : element.getDeclaredAnnotations()) {
			Class<? extends Annotation> type = annotation.annotationType();
			if (!type.getName().startsWith("java.lang.annotation.") && visited.add(type)) {
				InfisicalTestServerTest found = findOn(type, visited);
				if (found != null) {
					return found;
				}
			}
		}
		if (element instanceof Class<?> type) {
			for (Class<?> implemented : type.getInterfaces()) {
				if (visited.add(implemented)) {
					InfisicalTestServerTest found = findOn(implemented, visited);
					if (found != null) {
						return found;
					}
				}
			}
		}
		return null;
	}

	private static InfisicalTestServerTest annotationOf(@Nullable InfisicalTestServerTest annotation) {
		if (annotation == null) {
			throw new IllegalStateException("No @InfisicalTestServerTest found");
		}
		return annotation;
	}

	/**
	 * The server of a running test class.
	 *
	 * @param serial unique for each server of the JVM's life, unlike its URL, whose port
	 * a later server may get again
	 * @param settings the server and what was set up on it
	 */
	record Registration(long serial, InfisicalTestServerSettings settings) {

	}

}
