package io.github.infisicalawsauth.test.context;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.infisicalawsauth.test.InfisicalTestServer;

/**
 * What {@link InfisicalTestServerTest} set up: the server, the machine identity, the
 * project and environment it may read, the demo AWS credentials the server's stand-in for
 * STS accepts, and the {@code infisical.*} properties that point an application at all
 * that. Resolvable as a parameter of the test class's methods, for code that is not
 * started through the Spring TestContext Framework: <pre class="code">
 * &#64;Test
 * void runsTheApplication(InfisicalTestServerSettings settings) {
 *     SpringApplication application = new SpringApplication(MyApplication.class);
 *     application.setDefaultProperties(new HashMap&lt;&gt;(settings.properties()));
 *     AwsCredentialsProvider credentials = StaticCredentialsProvider.create(AwsSessionCredentials
 *         .create(settings.accessKeyId(), settings.secretAccessKey(), settings.sessionToken()));
 *     application.addBootstrapRegistryInitializer((registry) -&gt; registry
 *         .register(AwsCredentialsProvider.class, InstanceSupplier.of(credentials)));
 *     ...
 * }
 * </pre>
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalTestServerSettings {

	static final String REGION = "us-east-1";

	static final String ACCOUNT_ID = "111122223333";

	static final String ROLE_ARN = "arn:aws:iam::111122223333:role/infisical-test";

	static final String PRINCIPAL_ARN = "arn:aws:sts::111122223333:assumed-role/infisical-test/test-session";

	// demo values, accepted only by the test server
	static final String ACCESS_KEY_ID = "ASIAINFISICALTEST001";

	static final String SECRET_ACCESS_KEY = "infisical-test-server-demo-secret-access-key";

	static final String SESSION_TOKEN = "infisical-test-server-demo-session-token";

	private final InfisicalTestServer server;

	private final String identityId;

	private final String projectId;

	private final String environment;

	private InfisicalTestServerSettings(InfisicalTestServer server, String identityId, String projectId,
			String environment) {
		this.server = server;
		this.identityId = identityId;
		this.projectId = projectId;
		this.environment = environment;
	}

	/**
	 * Start a server as the annotation describes it.
	 * @param annotation the annotation
	 * @return the settings of the running server
	 */
	static InfisicalTestServerSettings start(InfisicalTestServerTest annotation) {
		InfisicalTestServer server = InfisicalTestServer.builder().generation(annotation.generation()).start();
		try {
			server.addAwsCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, ACCOUNT_ID, PRINCIPAL_ARN);
			server.addIdentity(annotation.identityId())
				.allowedAccounts(ACCOUNT_ID)
				.allowedPrincipalArns(ROLE_ARN)
				.canReadProject(annotation.projectId());
			// an import of the environment before anything is seeded finds it empty
			// instead of missing
			server.project(annotation.projectId()).environment(annotation.environment());
			return new InfisicalTestServerSettings(server, annotation.identityId(), annotation.projectId(),
					annotation.environment());
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	/**
	 * Return the server.
	 * @return the running server
	 */
	public InfisicalTestServer server() {
		return this.server;
	}

	/**
	 * Return the server's URL, the value of {@code infisical.site-url}.
	 * @return the URL
	 */
	public String siteUrl() {
		return this.server.url();
	}

	/**
	 * Return the id of the machine identity that may log in with the demo credentials.
	 * @return the identity id
	 */
	public String identityId() {
		return this.identityId;
	}

	/**
	 * Return the id of the project that the identity may read.
	 * @return the project id
	 */
	public String projectId() {
		return this.projectId;
	}

	/**
	 * Return the slug of the environment created in the project.
	 * @return the environment slug
	 */
	public String environment() {
		return this.environment;
	}

	/**
	 * Return the AWS region that logins are signed for, the value of
	 * {@code infisical.aws-auth.region}.
	 * @return {@code us-east-1}
	 */
	public String region() {
		return REGION;
	}

	/**
	 * Return the access key id of the demo AWS credentials.
	 * @return the access key id
	 */
	public String accessKeyId() {
		return ACCESS_KEY_ID;
	}

	/**
	 * Return the secret access key of the demo AWS credentials. It is valid only for the
	 * test server.
	 * @return the secret access key
	 */
	public String secretAccessKey() {
		return SECRET_ACCESS_KEY;
	}

	/**
	 * Return the session token of the demo AWS credentials; the server requires it.
	 * @return the session token
	 */
	public String sessionToken() {
		return SESSION_TOKEN;
	}

	/**
	 * Return the AWS account the demo credentials belong to; the identity allows only it.
	 * @return the account id
	 */
	public String accountId() {
		return ACCOUNT_ID;
	}

	/**
	 * Return the caller ARN that STS reports for the demo credentials, an assumed-role
	 * session of {@code arn:aws:iam::111122223333:role/infisical-test}, the only
	 * principal the identity allows.
	 * @return the caller ARN
	 */
	public String principalArn() {
		return PRINCIPAL_ARN;
	}

	/**
	 * Return the properties that point an application at the server, in this order:
	 * {@code infisical.site-url}, {@code infisical.aws-auth.identity-id},
	 * {@code infisical.aws-auth.region}, {@code infisical.aws-auth.verify-with-sts}
	 * ({@code false}: a test never asks the real AWS STS),
	 * {@code infisical.secrets.project-id} and {@code infisical.secrets.environment}.
	 * @return the properties, unmodifiable
	 */
	public Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("infisical.site-url", siteUrl());
		properties.put("infisical.aws-auth.identity-id", this.identityId);
		properties.put("infisical.aws-auth.region", REGION);
		properties.put("infisical.aws-auth.verify-with-sts", "false");
		properties.put("infisical.secrets.project-id", this.projectId);
		properties.put("infisical.secrets.environment", this.environment);
		return Collections.unmodifiableMap(properties);
	}

	@Override
	public String toString() {
		return "InfisicalTestServerSettings[" + siteUrl() + ", identity " + this.identityId + ", project "
				+ this.projectId + ", environment " + this.environment + "]";
	}

}
