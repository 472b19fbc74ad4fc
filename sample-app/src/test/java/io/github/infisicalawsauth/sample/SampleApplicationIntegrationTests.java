package io.github.infisicalawsauth.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.infisicalawsauth.InfisicalAccessToken;
import io.github.infisicalawsauth.InfisicalTokenProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample as the README's command does: against its embedded Infisical.
 *
 * @author Infisical AWS Auth contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationIntegrationTests {

	@Test
	void logsInAgainstTheEmbeddedServerAndReportsTheIdentity(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = SampleApplication.application().run("--server.port=0")) {
			EmbeddedInfisical embedded = context.getBean(EmbeddedInfisical.class);
			InfisicalAccessToken token = context.getBean(InfisicalTokenProvider.class).getToken();
			assertThat(embedded.server().isTokenActive(token.value())).isTrue();
			assertThat(embedded.server().loginCount()).isOne();
			assertThat(output).contains("Logged in to Infisical as machine identity " + EmbeddedInfisical.IDENTITY_ID);
			String port = context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains(EmbeddedInfisical.IDENTITY_ID).doesNotContain(token.value());
			assertThat(output).doesNotContain(token.value());
		}
	}

}
