package io.github.infisicalawsauth.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts applications to check that {@link SensitiveLoggingGuard} runs after Boot has
 * applied {@code logging.level}, and what it changes and says.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SensitiveLoggingGuardIntegrationTests {

	private static final String WIRE = "org.apache.http.wire";

	private final LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());

	@AfterEach
	void resetLevels() {
		// logging levels outlive the application
		for (String name : SensitiveLoggingGuard.GUARDED_LOGGERS) {
			this.loggingSystem.setLogLevel(name, null);
		}
		this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	@Test
	void guardedLoggersStayAtInfoWhenTheRootIsRaisedAtRunTime(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run()) {
			this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.TRACE);
			assertThat(SensitiveLoggingGuard.GUARDED_LOGGERS)
				.allSatisfy((name) -> assertThat(effectiveLevel(name)).as(name).isEqualTo(LogLevel.INFO));
			this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
		}
		assertThat(output).doesNotContain(SensitiveLoggingGuard.class.getSimpleName());
	}

	@Test
	void levelThatTheUserSetIsKeptWithOneWarning(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run("--logging.level.org.apache.http.wire=DEBUG")) {
			assertThat(effectiveLevel(WIRE)).isEqualTo(LogLevel.DEBUG);
			assertThat(effectiveLevel("org.apache.http.headers")).isEqualTo(LogLevel.INFO);
		}
		assertThat(output.getAll().lines().filter((line) -> line.contains(SensitiveLoggingGuard.class.getSimpleName())))
			.singleElement()
			.asString()
			.contains("WARN", WIRE + " (DEBUG)", "left as logging.level sets it");
	}

	@Test
	void nothingIsCappedWhenTheGuardIsTurnedOff(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run("--infisical.logging-guard.enabled=false")) {
			assertThat(SensitiveLoggingGuard.GUARDED_LOGGERS)
				.allSatisfy((name) -> assertThat(configuration(name).getConfiguredLevel()).as(name).isNull());
		}
		assertThat(output).doesNotContain(SensitiveLoggingGuard.class.getSimpleName());
	}

	private LogLevel effectiveLevel(String name) {
		return configuration(name).getEffectiveLevel();
	}

	private LoggerConfiguration configuration(String name) {
		LoggerConfiguration configuration = this.loggingSystem.getLoggerConfiguration(name);
		assertThat(configuration).as(name).isNotNull();
		return configuration;
	}

	private static ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		String[] arguments = new String[args.length + 1];
		arguments[0] = "--spring.main.banner-mode=off";
		System.arraycopy(args, 0, arguments, 1, args.length);
		return application.run(arguments);
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
