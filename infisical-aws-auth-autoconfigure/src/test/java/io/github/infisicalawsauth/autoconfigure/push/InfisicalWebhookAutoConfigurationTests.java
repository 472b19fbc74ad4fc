package io.github.infisicalawsauth.autoconfigure.push;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.bus.BusBridge;
import org.springframework.cloud.bus.ServiceMatcher;
import org.springframework.cloud.bus.event.Destination;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InfisicalWebhookAutoConfiguration}.
 *
 * @author Infisical AWS Auth contributors
 */
@Tag("push")
class InfisicalWebhookAutoConfigurationTests {

	private static final String KEY = "infisical.secrets.webhook.secret-key=Key-Never-Logged";

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InfisicalWebhookAutoConfiguration.class))
		.withUserConfiguration(NoticesConfiguration.class);

	@Test
	void servletApplicationWithASecretKeyServesTheWebhookAheadOfSpringSecurity() {
		this.servlet.withPropertyValues(KEY).run((context) -> {
			FilterRegistrationBean<?> registration = context.getBean("infisicalWebhookFilter",
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isInstanceOf(InfisicalWebhookFilter.class);
			assertThat(registration.getUrlPatterns()).containsExactly("/infisical/webhook");
			// Spring Security's filter is at -100 by default
			assertThat(registration.getOrder()).isLessThan(-100);
			assertThat(context).doesNotHaveBean(WebFilter.class).doesNotHaveBean(InfisicalWebhookBus.class);
			assertThat(context.getBean(RecordingNotices.class).channels).containsExactly("webhook [p1:dev:/] true");
			assertThat(context.getBean("infisicalWebhookKeySanitizingFunction"))
				.isInstanceOf(WebhookKeySanitizingFunction.class);
		});
	}

	@Test
	void webhookPathCanBeSet() {
		this.servlet.withPropertyValues(KEY, "infisical.secrets.webhook.path=/hooks/infisical-1").run((context) -> {
			FilterRegistrationBean<?> registration = context.getBean("infisicalWebhookFilter",
					FilterRegistrationBean.class);
			assertThat(registration.getUrlPatterns()).containsExactly("/hooks/infisical-1");
		});
	}

	@Test
	void webhookPathThatIsNotAPlainPathFailsStartupNamingTheProperty() {
		this.servlet.withPropertyValues(KEY, "infisical.secrets.webhook.path=/hooks/*").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("infisical.secrets.webhook.path");
		});
	}

	@Test
	void toleranceThatIsNotPositiveFailsStartupNamingTheProperty() {
		this.servlet.withPropertyValues(KEY, "infisical.secrets.webhook.tolerance=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.secrets.webhook.tolerance");
		});
	}

	@Test
	void negativeBusSpreadFailsStartupNamingTheProperty() {
		this.servlet.withPropertyValues(KEY, "infisical.secrets.bus.spread=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("infisical.secrets.bus.spread");
		});
	}

	@Test
	void blankSecretKeyFailsStartupNamingTheProperty() {
		this.servlet.withPropertyValues("infisical.secrets.webhook.secret-key= ").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("infisical.secrets.webhook.secret-key");
		});
	}

	@Test
	void withoutASecretKeyNothingIsServed() {
		this.servlet.run((context) -> assertThat(context).doesNotHaveBean(InfisicalWebhookReceiver.class)
			.doesNotHaveBean("infisicalWebhookFilter"));
	}

	@Test
	void disabledServesNothing() {
		this.servlet.withPropertyValues(KEY, "infisical.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalWebhookReceiver.class));
	}

	@Test
	void withoutImportsNothingIsServed() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InfisicalWebhookAutoConfiguration.class))
			.withPropertyValues(KEY)
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalWebhookReceiver.class));
	}

	@Test
	void reactiveApplicationGetsAWebFilterAheadOfSpringSecurity() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InfisicalWebhookAutoConfiguration.class))
			.withUserConfiguration(NoticesConfiguration.class)
			.withPropertyValues(KEY)
			.run((context) -> {
				assertThat(context).hasSingleBean(InfisicalWebhookWebFilter.class)
					.doesNotHaveBean("infisicalWebhookFilter");
				// WebFilterChainProxy is at -100
				assertThat(context.getBean(InfisicalWebhookWebFilter.class).getOrder()).isLessThan(-100);
			});
	}

	@Test
	void applicationWithoutWebServerStillVerifiesWhatTheBusBrings() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(InfisicalWebhookAutoConfiguration.class))
			.withUserConfiguration(NoticesConfiguration.class, BusConfiguration.class)
			.withPropertyValues(KEY)
			.run((context) -> {
				assertThat(context).hasSingleBean(InfisicalWebhookReceiver.class)
					.hasSingleBean(InfisicalWebhookBus.class)
					.doesNotHaveBean("infisicalWebhookFilter")
					.doesNotHaveBean(WebFilter.class);
				assertThat(context.getBean(RecordingNotices.class).channels).containsExactly("bus [p1:dev:/] true");
			});
	}

	@Test
	void busFanOutNeedsTheBusItsClassesAndItsSwitch() {
		this.servlet.withUserConfiguration(BusConfiguration.class).withPropertyValues(KEY).run((context) -> {
			assertThat(context).hasSingleBean(InfisicalWebhookBus.class);
			assertThat(context).hasBean("busJsonConverter");
		});
		this.servlet.withUserConfiguration(BusConfiguration.class)
			.withPropertyValues(KEY, "spring.cloud.bus.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalWebhookBus.class)
				.hasBean("infisicalWebhookFilter"));
		this.servlet.withClassLoader(new FilteredClassLoader(RemoteApplicationEvent.class))
			.withUserConfiguration(BusConfiguration.class)
			.withPropertyValues(KEY)
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalWebhookBus.class)
				.hasBean("infisicalWebhookFilter"));
		this.servlet.withPropertyValues(KEY)
			.run((context) -> assertThat(context).doesNotHaveBean(InfisicalWebhookBus.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class NoticesConfiguration {

		@Bean
		RecordingNotices recordingNotices() {
			return new RecordingNotices();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BusConfiguration {

		@Bean
		ServiceMatcher serviceMatcher() {
			return new ServiceMatcher() {

				@Override
				public boolean isFromSelf(RemoteApplicationEvent event) {
					return "self".equals(event.getOriginService());
				}

				@Override
				public boolean isForSelf(RemoteApplicationEvent event) {
					return true;
				}

				@Override
				public String getBusId() {
					return "self";
				}

			};
		}

		@Bean
		BusBridge busBridge() {
			return (event) -> {
			};
		}

		@Bean
		Destination.Factory destinationFactory() {
			return (destination) -> () -> "**";
		}

	}

}
