package io.github.infisicalawsauth.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Defines the {@link Greeting}: {@code @RefreshScope}, so that it sees a changed
 * {@code GREETING}, unless the refresh scope is turned off. Spring Cloud's refresh scope
 * does not support AOT processing, so the AOT-processed sample runs with
 * {@code spring.cloud.refresh.enabled=false}: its greeting keeps the value of the start,
 * while the starter still updates the {@code Environment} in place.
 *
 * @author Infisical AWS Auth contributors
 */
@Configuration(proxyBeanMethods = false)
class GreetingConfiguration {

	private static final String GREETING = "${GREETING:no GREETING secret imported}";

	@Bean
	@RefreshScope
	@ConditionalOnBooleanProperty(name = "spring.cloud.refresh.enabled", matchIfMissing = true)
	Greeting greeting(@Value(GREETING) String text) {
		return new Greeting(text);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "spring.cloud.refresh.enabled", havingValue = false)
	Greeting fixedGreeting(@Value(GREETING) String text) {
		return new Greeting(text);
	}

}
