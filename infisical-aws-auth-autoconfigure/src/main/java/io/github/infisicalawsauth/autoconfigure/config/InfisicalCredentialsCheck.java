package io.github.infisicalawsauth.autoconfigure.config;

import io.github.infisicalawsauth.InfisicalTokenProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Warns once at startup when the application has an {@link AwsCredentialsProvider} bean
 * but config data logged in to Infisical with other credentials: no bean exists while the
 * configuration is loaded, and the token provider built then stays in use.
 *
 * @author Infisical AWS Auth contributors
 */
class InfisicalCredentialsCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(InfisicalCredentialsCheck.class);

	private final InfisicalConfigDataClients clients;

	private final ObjectProvider<AwsCredentialsProvider> credentialsProviders;

	private final ObjectProvider<InfisicalTokenProvider> tokenProviders;

	InfisicalCredentialsCheck(InfisicalConfigDataClients clients,
			ObjectProvider<AwsCredentialsProvider> credentialsProviders,
			ObjectProvider<InfisicalTokenProvider> tokenProviders) {
		this.clients = clients;
		this.credentialsProviders = credentialsProviders;
		this.tokenProviders = tokenProviders;
	}

	@Override
	public void afterSingletonsInstantiated() {
		AwsCredentialsProvider bean = this.credentialsProviders.getIfUnique();
		if (bean != null && bean != this.clients.getRegisteredCredentials()) {
			boolean sharedTokenProvider = this.tokenProviders.getIfUnique() == this.clients.getTokenProvider();
			logger.warn("The application has an AwsCredentialsProvider bean, but Infisical config data "
					+ "(spring.config.import=infisical:) logged in with " + this.clients.getCredentialsDescription()
					+ " before any bean existed, and keeps using it for "
					+ (sharedTokenProvider ? "the InfisicalTokenProvider bean, " : "") + "loading and "
					+ "polling. To sign with the same credentials, register the provider with "
					+ "SpringApplication.addBootstrapRegistryInitializer((registry) -> registry.register("
					+ "AwsCredentialsProvider.class, ...)), or describe them with infisical.aws-auth.profile or "
					+ "infisical.aws-auth.role-arn instead of a bean.");
		}
	}

}
