package io.github.infisicalawsauth.sample;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

import io.github.infisicalawsauth.autoconfigure.config.InfisicalPropertySource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Shows which Infisical secrets became properties (names only) and when the
 * {@code @RefreshScope} {@link Greeting} sees a changed value (as a fingerprint, never
 * the value).
 *
 * @author Infisical AWS Auth contributors
 */
@Component
class SecretsReport {

	private static final Log logger = LogFactory.getLog(SecretsReport.class);

	private final ConfigurableEnvironment environment;

	private final Greeting greeting;

	private volatile @Nullable String lastFingerprint;

	SecretsReport(ConfigurableEnvironment environment, Greeting greeting) {
		this.environment = environment;
		this.greeting = greeting;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		List<String> sources = new ArrayList<>();
		for (PropertySource<?> source : this.environment.getPropertySources()) {
			if (source instanceof InfisicalPropertySource infisical && infisical.getSnapshot() != null) {
				sources.add(infisical.getLocation().describe() + " "
						+ new TreeSet<>(infisical.getSnapshot().getSecrets().keySet()));
			}
		}
		logger
			.info(sources.isEmpty() ? "No Infisical secrets imported (spring.config.import has no infisical: location)"
					: "Infisical secrets available as properties (names only): " + sources);
		this.lastFingerprint = fingerprint(this.greeting.text());
		logger.info("Greeting bean reads GREETING, fingerprint " + this.lastFingerprint);
	}

	@Scheduled(fixedDelay = 1000, initialDelay = 1000)
	void watch() {
		String fingerprint = fingerprint(this.greeting.text());
		if (!fingerprint.equals(this.lastFingerprint)) {
			logger.info("@RefreshScope Greeting bean now sees a new GREETING, fingerprint " + fingerprint + " (was "
					+ this.lastFingerprint + ")");
			this.lastFingerprint = fingerprint;
		}
	}

	String greetingFingerprint() {
		return fingerprint(this.greeting.text());
	}

	// a short hash shows that the value changed without showing it
	static String fingerprint(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
			return "sha256:" + HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
