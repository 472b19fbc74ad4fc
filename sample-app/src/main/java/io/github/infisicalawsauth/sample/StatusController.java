package io.github.infisicalawsauth.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /} answers which identity the application runs as, until when its token is
 * valid, and a fingerprint (not the value) of the {@code GREETING} secret.
 *
 * @author Infisical AWS Auth contributors
 */
@RestController
class StatusController {

	private final TokenReporter tokenReporter;

	private final SecretsReport secretsReport;

	StatusController(TokenReporter tokenReporter, SecretsReport secretsReport) {
		this.tokenReporter = tokenReporter;
		this.secretsReport = secretsReport;
	}

	@GetMapping("/")
	Map<String, Object> status() {
		Map<String, Object> status = new LinkedHashMap<>(this.tokenReporter.status());
		status.put("greetingFingerprint", this.secretsReport.greetingFingerprint());
		return status;
	}

}
