package io.github.infisicalawsauth.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link PlainHttpSslContext}.
 *
 * @author Infisical AWS Auth contributors
 */
class PlainHttpSslContextTests {

	@Test
	void refusesToBeUsedForTls() {
		PlainHttpSslContext context = new PlainHttpSslContext();
		assertThatIllegalStateException().isThrownBy(context::createSSLEngine)
			.withMessageContaining("https:// infisical.site-url");
		assertThatIllegalStateException().isThrownBy(context::getSocketFactory);
		assertThat(context.getDefaultSSLParameters()).isNotNull();
	}

}
