package io.github.infisicalawsauth.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Caps, once logging is configured, the loggers that print credentials at DEBUG: the AWS
 * SDK's SigV4 signers (the canonical request holds the session token of every Infisical
 * login), Apache HttpClient's wire and header logs (the AWS SDK's STS calls: signatures,
 * session tokens, assumed-role credentials) and the JDK HTTP client's internal debug
 * logs. Each gets an explicit level, the less verbose of its own and INFO, so that it
 * stays there when a parent or the root is later set to DEBUG or TRACE, at startup or at
 * run time through {@link LoggingSystem} ({@code /actuator/loggers}).
 * <p>
 * A logger whose level the user sets with {@code logging.level} (for itself, for a parent
 * other than the root, or for a {@code logging.group} holding either) keeps the level it
 * was given: one warning names those left at DEBUG or TRACE. Levels of a logging
 * configuration file are not the user's in that sense: they are capped like the root's.
 * {@code infisical.logging-guard.enabled=false} turns the guard off.
 *
 * @author Infisical AWS Auth contributors
 */
class SensitiveLoggingGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	static final List<String> GUARDED_LOGGERS = List.of("software.amazon.awssdk.http.auth.aws.internal.signer",
			"software.amazon.awssdk.auth.signer", "org.apache.http.wire", "org.apache.http.headers",
			"org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers", "jdk.internal.httpclient.debug",
			"jdk.internal.httpclient.hpack.debug");

	private static final Bindable<Map<String, String>> STRING_STRING_MAP = Bindable.mapOf(String.class, String.class);

	private static final Bindable<Map<String, List<String>>> STRING_STRINGS_MAP = Bindable
		.of(ResolvableType.forClassWithGenerics(Map.class, ResolvableType.forClass(String.class),
				ResolvableType.forClassWithGenerics(List.class, String.class)));

	private static final Log logger = LogFactory.getLog(SensitiveLoggingGuard.class);

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		guard(event.getEnvironment(), LoggingSystem.get(event.getSpringApplication().getClassLoader()));
	}

	void guard(ConfigurableEnvironment environment, LoggingSystem loggingSystem) {
		Binder binder = Binder.get(environment);
		if (!binder.bind("infisical.enabled", Boolean.class).orElse(true)
				|| !binder.bind("infisical.logging-guard.enabled", Boolean.class).orElse(true)) {
			return;
		}
		List<String> userLoggers = userLoggers(binder);
		List<String> capped = new ArrayList<>();
		List<String> pinned = new ArrayList<>();
		List<String> leftVerbose = new ArrayList<>();
		for (String name : GUARDED_LOGGERS) {
			LoggerConfiguration configuration = loggingSystem.getLoggerConfiguration(name);
			LogLevel level = (configuration != null) ? configuration.getEffectiveLevel() : null;
			boolean verbose = level == LogLevel.DEBUG || level == LogLevel.TRACE;
			if (userLoggers.contains(name) || (verbose && setByUser(name, userLoggers))) {
				// the user's own level, explicit already or reached through their parent
				if (verbose) {
					leftVerbose.add(name + " (" + level + ")");
				}
				continue;
			}
			// a parent set by the user to INFO or less keeps its effect: pinning it only
			// keeps a later change of that parent or of the root away
			LogLevel pin = (level == null || verbose) ? LogLevel.INFO : level;
			loggingSystem.setLogLevel(name, pin);
			(verbose ? capped : pinned).add(name);
		}
		if (!capped.isEmpty()) {
			logger.info("Limited logging of " + String.join(", ", capped)
					+ " to INFO: at DEBUG or TRACE they log credentials of the Infisical login or of AWS STS calls."
					+ " To keep a level, set logging.level for the logger; to turn this off, set"
					+ " infisical.logging-guard.enabled=false");
		}
		if (!pinned.isEmpty() && logger.isDebugEnabled()) {
			logger.debug("Set explicit levels, at most INFO, for " + String.join(", ", pinned)
					+ ", which log credentials at DEBUG or TRACE");
		}
		if (!leftVerbose.isEmpty()) {
			logger.warn("Logging of " + String.join(", ", leftVerbose)
					+ " left as logging.level sets it: at DEBUG or TRACE these loggers log credentials"
					+ " of the Infisical login or of AWS STS calls");
		}
	}

	// names that logging.level sets, with groups replaced by their members as
	// LoggingApplicationListener does (its default groups 'web' and 'sql' hold none of
	// the guarded loggers or their parents)
	private static List<String> userLoggers(Binder binder) {
		Map<String, String> levels = binder.bind("logging.level", STRING_STRING_MAP).orElseGet(Collections::emptyMap);
		Map<String, List<String>> groups = binder.bind("logging.group", STRING_STRINGS_MAP)
			.orElseGet(Collections::emptyMap);
		List<String> names = new ArrayList<>();
		for (String name : levels.keySet()) {
			List<String> members = groups.get(name);
			if (members != null && !members.isEmpty()) {
				names.addAll(members);
			}
			else if (!LoggingSystem.ROOT_LOGGER_NAME.equalsIgnoreCase(name)) {
				names.add(name);
			}
		}
		return names;
	}

	private static boolean setByUser(String name, List<String> userLoggers) {
		return userLoggers.stream().anyMatch((user) -> name.equals(user) || name.startsWith(user + "."));
	}

	@Override
	public int getOrder() {
		return LoggingApplicationListener.DEFAULT_ORDER + 1;
	}

}
