package io.github.infisicalawsauth.autoconfigure.push;

import java.time.Clock;
import java.time.Duration;

import io.github.infisicalawsauth.autoconfigure.InfisicalProperties;
import io.github.infisicalawsauth.autoconfigure.config.InfisicalConfigDataAutoConfiguration;
import io.github.infisicalawsauth.push.WebhookVerifier;
import io.github.infisicalawsauth.secrets.SecretsChangeNotices;
import jakarta.servlet.Filter;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.bus.BusBridge;
import org.springframework.cloud.bus.ServiceMatcher;
import org.springframework.cloud.bus.event.Destination;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;
import org.springframework.cloud.bus.jackson.RemoteApplicationEventScan;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.WebFilter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the endpoint that Infisical's webhooks call when secrets change,
 * served once {@code infisical.secrets.webhook.secret-key} is set (a notice without a
 * signature proves nothing): a verified notice makes the imports of its project and
 * environment be read again. In servlet and WebFlux applications the endpoint is a filter
 * ahead of Spring Security, so that the application's security neither blocks it nor
 * needs to know about it. With Spring Cloud Bus a verified notice also goes to every
 * instance, which verifies it with its own key before it reads. The actuator's
 * {@code env} and {@code configprops} endpoints never show the key.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@AutoConfiguration(after = InfisicalConfigDataAutoConfiguration.class,
		afterName = { "org.springframework.cloud.bus.BusAutoConfiguration",
				"org.springframework.cloud.bus.BusStreamAutoConfiguration",
				"org.springframework.cloud.bus.PathServiceMatcherAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
@ConditionalOnProperty(InfisicalWebhookAutoConfiguration.SECRET_KEY)
@ConditionalOnBean(SecretsChangeNotices.class)
@EnableConfigurationProperties(InfisicalProperties.class)
public final class InfisicalWebhookAutoConfiguration {

	static final String SECRET_KEY = "infisical.secrets.webhook.secret-key";

	// ahead of Spring Security's filter (-100 unless spring.security.filter.order moves
	// it) and its WebFlux WebFilterChainProxy (-100)
	static final int FILTER_ORDER = -110;

	private static final boolean MICROMETER_PRESENT = ClassUtils.isPresent(
			"io.micrometer.core.instrument.MeterRegistry", InfisicalWebhookAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	InfisicalWebhookReceiver infisicalWebhookReceiver(InfisicalProperties properties, SecretsChangeNotices notices,
			ObjectProvider<WebhookForwarder> forwarders, BeanFactory beanFactory) {
		InfisicalProperties.Secrets secrets = properties.getSecrets();
		Duration tolerance = secrets.getWebhook().getTolerance();
		if (tolerance == null || tolerance.isZero() || tolerance.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.webhook.tolerance", tolerance,
					"must be a positive duration");
		}
		Duration spread = secrets.getBus().getSpread();
		if (spread == null || spread.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("infisical.secrets.bus.spread", spread,
					"must be a duration of zero or more");
		}
		WebhookVerifier verifier = new WebhookVerifier(secretKey(properties), tolerance, Clock.systemUTC());
		NoticeCounter counter = MICROMETER_PRESENT ? MeterNoticeCounter.of(beanFactory) : NoticeCounter.NONE;
		return new InfisicalWebhookReceiver(verifier, notices, spread, counter, forwarders);
	}

	private static String secretKey(InfisicalProperties properties) {
		String secretKey = properties.getSecrets().getWebhook().getSecretKey();
		if (secretKey == null || secretKey.isBlank()) {
			throw new IllegalStateException("'" + SECRET_KEY + "' must not be blank");
		}
		return secretKey;
	}

	static String path(InfisicalProperties properties) {
		String path = properties.getSecrets().getWebhook().getPath();
		if (!path.startsWith("/") || !path.matches("[A-Za-z0-9/._~-]+")) {
			throw new IllegalStateException("'infisical.secrets.webhook.path' must be a path such as "
					+ "'/infisical/webhook', with letters, digits and '/._~-' only, but is '" + path + "'");
		}
		return path;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(Filter.class)
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "infisicalWebhookFilter")
		FilterRegistrationBean<InfisicalWebhookFilter> infisicalWebhookFilter(InfisicalWebhookReceiver receiver,
				InfisicalProperties properties) {
			FilterRegistrationBean<InfisicalWebhookFilter> registration = new FilterRegistrationBean<>(
					new InfisicalWebhookFilter(receiver));
			registration.addUrlPatterns(path(properties));
			registration.setOrder(FILTER_ORDER);
			receiver.activate(InfisicalWebhookReceiver.WEBHOOK);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass({ WebFilter.class, Mono.class })
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InfisicalWebhookWebFilter infisicalWebhookWebFilter(InfisicalWebhookReceiver receiver,
				InfisicalProperties properties) {
			InfisicalWebhookWebFilter filter = new InfisicalWebhookWebFilter(receiver, path(properties), FILTER_ORDER);
			receiver.activate(InfisicalWebhookReceiver.WEBHOOK);
			return filter;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class SanitizingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "infisicalWebhookKeySanitizingFunction")
		SanitizingFunction infisicalWebhookKeySanitizingFunction(InfisicalProperties properties) {
			return new WebhookKeySanitizingFunction(secretKey(properties));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RemoteApplicationEvent.class, BusBridge.class })
	@ConditionalOnBooleanProperty(name = "spring.cloud.bus.enabled", matchIfMissing = true)
	@ConditionalOnBean({ ServiceMatcher.class, BusBridge.class, Destination.Factory.class })
	@RemoteApplicationEventScan(basePackageClasses = InfisicalWebhookBusEvent.class)
	static class BusConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InfisicalWebhookBus infisicalWebhookBus(InfisicalWebhookReceiver receiver, ApplicationEventPublisher publisher,
				ServiceMatcher serviceMatcher, Destination.Factory destinations) {
			InfisicalWebhookBus bus = new InfisicalWebhookBus(receiver, publisher, serviceMatcher, destinations);
			receiver.activate(InfisicalWebhookReceiver.BUS);
			return bus;
		}

	}

}
