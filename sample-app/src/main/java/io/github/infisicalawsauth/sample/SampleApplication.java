package io.github.infisicalawsauth.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Demo application: logs in to Infisical with its AWS identity and shows the token
 * lifecycle in its log. Without {@code INFISICAL_SITE_URL} it runs against an embedded
 * Infisical test server with demo AWS credentials.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@SpringBootApplication
@EnableScheduling
public class SampleApplication {

	/**
	 * Run the demo.
	 * @param args the command line arguments
	 */
	public static void main(String[] args) {
		application(args).run(args);
	}

	/**
	 * Create the application, set up against the embedded demo server unless a real
	 * Infisical is configured.
	 * @param args the command line arguments
	 * @return the application, not yet run
	 */
	public static SpringApplication application(String... args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		if (!EmbeddedInfisical.realServerConfigured(args)) {
			EmbeddedInfisical.start().configure(application);
		}
		return application;
	}

}
