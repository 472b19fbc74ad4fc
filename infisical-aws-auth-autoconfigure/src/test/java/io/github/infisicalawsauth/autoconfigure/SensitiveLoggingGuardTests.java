package io.github.infisicalawsauth.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link SensitiveLoggingGuard} against the real {@link LoggingSystem}, with the
 * levels that {@code logging.level} would have set applied by hand as
 * {@code LoggingApplicationListener} does before the guard runs.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SensitiveLoggingGuardTests {

	private static final String WIRE = "org.apache.http.wire";

	private static final String HEADERS = "org.apache.http.headers";

	private static final String CAPPED = "Limited logging of";

	private static final String LEFT = "left as logging.level sets it";

	private final LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());

	private final MockEnvironment environment = new MockEnvironment();

	private final SensitiveLoggingGuard guard = new SensitiveLoggingGuard();

	@BeforeEach
	@AfterEach
	void resetLevels() {
		for (String name : SensitiveLoggingGuard.GUARDED_LOGGERS) {
			this.loggingSystem.setLogLevel(name, null);
		}
		// other test classes of the same JVM may have left these verbose
		for (String name : new String[] { "org.apache", "org.apache.http", "io.github.infisicalawsauth" }) {
			this.loggingSystem.setLogLevel(name, null);
		}
		this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
	}

	@Test
	void guardPinsEveryGuardedLoggerAtInfoWithoutALineAtInfo(CapturedOutput output) {
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(SensitiveLoggingGuard.GUARDED_LOGGERS).allSatisfy(
				(name) -> assertThat(configuration(name).getConfiguredLevel()).as(name).isEqualTo(LogLevel.INFO));
		assertThat(output).doesNotContain(SensitiveLoggingGuard.class.getSimpleName());
	}

	@Test
	void guardCapsLoggersThatTheRootMadeVerboseAndSaysSoOnce(CapturedOutput output) {
		this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.DEBUG);
		this.guard.guard(this.environment, this.loggingSystem);
		// raised again later, as /actuator/loggers does
		this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.TRACE);
		this.loggingSystem.setLogLevel("org.apache", LogLevel.TRACE);
		assertThat(SensitiveLoggingGuard.GUARDED_LOGGERS).allSatisfy(
				(name) -> assertThat(configuration(name).getEffectiveLevel()).as(name).isEqualTo(LogLevel.INFO));
		assertThat(occurrences(output, CAPPED)).isOne();
		assertThat(line(output, CAPPED)).contains(SensitiveLoggingGuard.GUARDED_LOGGERS)
			.contains("infisical.logging-guard.enabled");
		assertThat(output).doesNotContain(LEFT);
	}

	@Test
	void guardKeepsALevelThatTheUserSetAndWarnsOnce(CapturedOutput output) {
		this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.DEBUG);
		userLevel("logging.level.org.apache.http.wire", WIRE, LogLevel.DEBUG);
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(configuration(WIRE).getConfiguredLevel()).isEqualTo(LogLevel.DEBUG);
		assertThat(configuration(HEADERS).getEffectiveLevel()).isEqualTo(LogLevel.INFO);
		assertThat(occurrences(output, LEFT)).isOne();
		assertThat(line(output, LEFT)).contains(WIRE + " (DEBUG)").doesNotContain(HEADERS);
		assertThat(line(output, CAPPED)).contains(HEADERS).doesNotContain(WIRE + ",");
	}

	@Test
	void guardKeepsAQuieterLevelThatTheUserSet(CapturedOutput output) {
		userLevel("logging.level.org.apache.http.wire", WIRE, LogLevel.ERROR);
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(configuration(WIRE).getConfiguredLevel()).isEqualTo(LogLevel.ERROR);
		assertThat(output).doesNotContain(SensitiveLoggingGuard.class.getSimpleName());
	}

	@Test
	void guardKeepsTheLevelOfAParentThatTheUserSet(CapturedOutput output) {
		userLevel("logging.level.org.apache.http", "org.apache.http", LogLevel.TRACE);
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(configuration(WIRE).getEffectiveLevel()).isEqualTo(LogLevel.TRACE);
		assertThat(configuration(HEADERS).getEffectiveLevel()).isEqualTo(LogLevel.TRACE);
		assertThat(configuration("org.apache.hc.client5.http.wire").getConfiguredLevel()).isEqualTo(LogLevel.INFO);
		assertThat(occurrences(output, LEFT)).isOne();
		assertThat(line(output, LEFT)).contains(WIRE + " (TRACE)", HEADERS + " (TRACE)");
	}

	@Test
	void guardPinsAtTheQuieterLevelOfAParentThatTheUserSet(CapturedOutput output) {
		userLevel("logging.level.org.apache", "org.apache", LogLevel.WARN);
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(configuration(WIRE).getConfiguredLevel()).isEqualTo(LogLevel.WARN);
		this.loggingSystem.setLogLevel("org.apache", LogLevel.DEBUG);
		assertThat(configuration(WIRE).getEffectiveLevel()).isEqualTo(LogLevel.WARN);
		assertThat(output).doesNotContain(SensitiveLoggingGuard.class.getSimpleName());
	}

	@Test
	void guardKeepsALevelThatTheUserSetWithAnEnvironmentVariable(CapturedOutput output) {
		this.environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("LOGGING_LEVEL_ORG_APACHE_HTTP_WIRE", "TRACE")));
		this.loggingSystem.setLogLevel(WIRE, LogLevel.TRACE);
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(configuration(WIRE).getConfiguredLevel()).isEqualTo(LogLevel.TRACE);
		assertThat(line(output, LEFT)).contains(WIRE + " (TRACE)");
	}

	@Test
	void guardKeepsALevelThatTheUserSetForAGroup(CapturedOutput output) {
		this.environment.setProperty("logging.group.apache-wire", "org.apache.http.wire,org.apache.http.headers");
		userLevel("logging.level.apache-wire", WIRE, LogLevel.DEBUG);
		this.loggingSystem.setLogLevel(HEADERS, LogLevel.DEBUG);
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(configuration(WIRE).getConfiguredLevel()).isEqualTo(LogLevel.DEBUG);
		assertThat(configuration(HEADERS).getConfiguredLevel()).isEqualTo(LogLevel.DEBUG);
		assertThat(line(output, LEFT)).contains(WIRE + " (DEBUG)", HEADERS + " (DEBUG)");
	}

	@Test
	void guardDoesNothingWhenTurnedOff(CapturedOutput output) {
		this.environment.setProperty("infisical.logging-guard.enabled", "false");
		this.loggingSystem.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.DEBUG);
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(SensitiveLoggingGuard.GUARDED_LOGGERS)
			.allSatisfy((name) -> assertThat(configuration(name).getConfiguredLevel()).as(name).isNull());
		assertThat(output).doesNotContain(SensitiveLoggingGuard.class.getSimpleName());
	}

	@Test
	void guardDoesNothingWhenTheStarterIsOff() {
		this.environment.setProperty("infisical.enabled", "false");
		this.guard.guard(this.environment, this.loggingSystem);
		assertThat(configuration(WIRE).getConfiguredLevel()).isNull();
	}

	private void userLevel(String property, String name, LogLevel level) {
		this.environment.setProperty(property, level.name());
		this.loggingSystem.setLogLevel(name, level);
	}

	private LoggerConfiguration configuration(String name) {
		LoggerConfiguration configuration = this.loggingSystem.getLoggerConfiguration(name);
		assertThat(configuration).as(name).isNotNull();
		return configuration;
	}

	private static int occurrences(CapturedOutput output, String text) {
		return output.getAll().split(text, -1).length - 1;
	}

	private static String line(CapturedOutput output, String text) {
		return output.getAll().lines().filter((line) -> line.contains(text)).findFirst().orElse("");
	}

}
