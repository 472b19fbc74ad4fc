package io.github.infisicalawsauth.autoconfigure;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Sets the loggers that print credentials at DEBUG to INFO explicitly once logging is
 * configured: the AWS SDK's SigV4 signers (the canonical request holds the session token
 * of every Infisical login), Apache HttpClient's wire and header logs (the AWS SDK's STS
 * calls: signatures, session tokens, assumed-role credentials) and the JDK HTTP client's
 * internal debug logs. Being explicit, their level stays INFO when a parent or the root
 * is later set to DEBUG or TRACE, at startup or at run time through {@link LoggingSystem}
 * ({@code /actuator/loggers}).
 *
 * @author Infisical AWS Auth contributors
 */
class SensitiveLoggingGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	static final List<String> GUARDED_LOGGERS = List.of("software.amazon.awssdk.http.auth.aws.internal.signer",
			"software.amazon.awssdk.auth.signer", "org.apache.http.wire", "org.apache.http.headers",
			"org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers", "jdk.internal.httpclient.debug",
			"jdk.internal.httpclient.hpack.debug");

	private static final Log logger = LogFactory.getLog(SensitiveLoggingGuard.class);

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		if (!event.getEnvironment().getProperty("infisical.enabled", Boolean.class, true)) {
			return;
		}
		LoggingSystem loggingSystem = LoggingSystem.get(event.getSpringApplication().getClassLoader());
		for (String name : GUARDED_LOGGERS) {
			LoggerConfiguration configuration = loggingSystem.getLoggerConfiguration(name);
			LogLevel level = (configuration != null) ? configuration.getEffectiveLevel() : null;
			loggingSystem.setLogLevel(name, LogLevel.INFO);
			if (level == LogLevel.DEBUG || level == LogLevel.TRACE) {
				logger.warn("Logging of " + name + " limited to INFO: at " + level
						+ " it would log credentials of the Infisical login or of AWS STS calls");
			}
		}
	}

	@Override
	public int getOrder() {
		return LoggingApplicationListener.DEFAULT_ORDER + 1;
	}

}
