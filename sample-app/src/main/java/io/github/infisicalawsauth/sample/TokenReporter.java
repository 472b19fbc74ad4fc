package io.github.infisicalawsauth.sample;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Shows the token lifecycle: the identity logged in as, and each time the token is
 * renewed or replaced. Never shows the token itself.
 *
 * @author Infisical AWS Auth contributors
 */
@Component
class TokenReporter {

	private static final Log logger = LogFactory.getLog(TokenReporter.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final InfisicalTokenProvider tokenProvider;

	private volatile @Nullable Instant lastExpiry;

	TokenReporter(InfisicalTokenProvider tokenProvider) {
		this.tokenProvider = tokenProvider;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		InfisicalAccessToken token = this.tokenProvider.getToken();
		this.lastExpiry = token.expiresAt();
		logger.info("Logged in to Infisical as machine identity " + claim(token, "identityId")
				+ "; access token valid until " + token.expiresAt());
	}

	@Scheduled(fixedDelay = 1000, initialDelay = 1000)
	void watch() {
		InfisicalAccessToken token = this.tokenProvider.getToken();
		if (!token.expiresAt().equals(this.lastExpiry)) {
			logger.info("Access token refreshed (token id " + claim(token, "identityAccessTokenId")
					+ "); now valid until " + token.expiresAt());
			this.lastExpiry = token.expiresAt();
		}
	}

	Map<String, Object> status() {
		InfisicalAccessToken token = this.tokenProvider.getToken();
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("identityId", claim(token, "identityId"));
		status.put("tokenExpiresAt", token.expiresAt().toString());
		return status;
	}

	// the JWT payload names the identity; it is not a secret, the signature is
	private static String claim(InfisicalAccessToken token, String name) {
		String[] parts = token.value().split("\\.");
		if (parts.length != 3) {
			return "(unknown)";
		}
		JsonNode payload = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
		JsonNode claim = payload.get(name);
		return (claim != null) ? claim.asString() : "(unknown)";
	}

}
