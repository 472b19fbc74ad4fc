package io.github.infisicalawsauth.autoconfigure.config;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.bootstrap.config.PropertySourceLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Legacy bootstrap configuration, active only when Spring Cloud's bootstrap context is
 * enabled ({@code spring-cloud-starter-bootstrap} or
 * {@code spring.cloud.bootstrap.enabled=true}) and {@code infisical.secrets.project-id}
 * is set.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(PropertySourceLocator.class)
@ConditionalOnBooleanProperty(name = "infisical.enabled", matchIfMissing = true)
@ConditionalOnProperty("infisical.secrets.project-id")
public class InfisicalBootstrapConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InfisicalPropertySourceLocator infisicalPropertySourceLocator() {
		return new InfisicalPropertySourceLocator();
	}

}
