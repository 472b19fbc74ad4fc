package io.github.infisicalawsauth.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InfisicalSiteUrl}.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalSiteUrlTests {

	@Test
	void addsApi() {
		assertThat(InfisicalSiteUrl.of("https://app.infisical.com", false).apiBase())
			.hasToString("https://app.infisical.com/api");
	}

	@Test
	void toleratesTrailingSlashAndApi() {
		assertThat(InfisicalSiteUrl.of("https://eu.infisical.com/", false).apiBase())
			.hasToString("https://eu.infisical.com/api");
		assertThat(InfisicalSiteUrl.of("https://eu.infisical.com/api", false).apiBase())
			.hasToString("https://eu.infisical.com/api");
		assertThat(InfisicalSiteUrl.of("https://secrets.example.com:8443/infisical/api/", false).apiBase())
			.hasToString("https://secrets.example.com:8443/infisical/api");
	}

	@Test
	void acceptsPlainHttpOnLoopback() {
		assertThat(InfisicalSiteUrl.of("http://127.0.0.1:8080", false).apiBase())
			.hasToString("http://127.0.0.1:8080/api");
		assertThat(InfisicalSiteUrl.of("http://localhost:8080", false).apiBase())
			.hasToString("http://localhost:8080/api");
		assertThat(InfisicalSiteUrl.of("http://[::1]:8080", false).apiBase()).hasToString("http://[::1]:8080/api");
	}

	@Test
	void refusesPlainHttpElsewhereUnlessAllowed() {
		assertThatIllegalArgumentException().isThrownBy(() -> InfisicalSiteUrl.of("http://infisical.internal", false))
			.withMessageContaining("infisical.allow-insecure-http");
		assertThat(InfisicalSiteUrl.of("http://infisical.internal", true).apiBase())
			.hasToString("http://infisical.internal/api");
	}

	@Test
	void refusesOtherSchemesAndMissingHost() {
		assertThatIllegalArgumentException().isThrownBy(() -> InfisicalSiteUrl.of("ftp://x", false));
		assertThatIllegalArgumentException().isThrownBy(() -> InfisicalSiteUrl.of("app.infisical.com", false));
		assertThatIllegalArgumentException().isThrownBy(() -> InfisicalSiteUrl.of("https://", false));
		assertThatIllegalArgumentException().isThrownBy(() -> InfisicalSiteUrl.of(" ", false));
		assertThatIllegalArgumentException().isThrownBy(() -> InfisicalSiteUrl.of("https://x/?a=b", false));
	}

}
