package io.github.infisicalawsauth.autoconfigure;

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
 * Caps the AWS SDK SigV4 signer's logger at INFO once logging is configured. At DEBUG the
 * signer prints the canonical request, which holds the AWS session token of every
 * Infisical login.
 *
 * @author Infisical AWS Auth contributors
 */
class AwsSignerLoggingGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	static final String SIGNER_LOGGER = "software.amazon.awssdk.http.auth.aws.internal.signer";

	private static final Log logger = LogFactory.getLog(AwsSignerLoggingGuard.class);

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		if (!event.getEnvironment().getProperty("infisical.enabled", Boolean.class, true)) {
			return;
		}
		LoggingSystem loggingSystem = LoggingSystem.get(event.getSpringApplication().getClassLoader());
		LoggerConfiguration configuration = loggingSystem.getLoggerConfiguration(SIGNER_LOGGER);
		LogLevel level = (configuration != null) ? configuration.getEffectiveLevel() : null;
		if (level == LogLevel.DEBUG || level == LogLevel.TRACE) {
			loggingSystem.setLogLevel(SIGNER_LOGGER, LogLevel.INFO);
			logger.warn("Logging of " + SIGNER_LOGGER + " limited to INFO: at " + level
					+ " the AWS SDK would log the session token of the signed Infisical login request");
		}
	}

	@Override
	public int getOrder() {
		return LoggingApplicationListener.DEFAULT_ORDER + 1;
	}

}
