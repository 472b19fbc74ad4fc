package io.github.infisicalawsauth.sample;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /} answers which identity the application runs as and until when its token
 * is valid.
 *
 * @author Infisical AWS Auth contributors
 */
@RestController
class StatusController {

	private final TokenReporter tokenReporter;

	StatusController(TokenReporter tokenReporter) {
		this.tokenReporter = tokenReporter;
	}

	@GetMapping("/")
	Map<String, Object> status() {
		return this.tokenReporter.status();
	}

}
