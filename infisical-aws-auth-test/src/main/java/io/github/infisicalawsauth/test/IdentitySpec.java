package io.github.infisicalawsauth.test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A machine identity with AWS IAM auth on an {@link InfisicalTestServer}. Defaults: any
 * AWS account and principal, TTL one hour, max TTL one day, no use limit, no project
 * access. Changes apply to the next request.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class IdentitySpec {

	private final String identityId;

	private volatile List<String> allowedAccounts = List.of();

	private volatile List<String> allowedPrincipalArns = List.of();

	private volatile Duration accessTokenTtl = Duration.ofHours(1);

	private volatile Duration accessTokenMaxTtl = Duration.ofDays(1);

	private volatile int numUsesLimit;

	private final Set<String> readableProjects = new CopyOnWriteArraySet<>();

	private final Set<String> hiddenFolders = new CopyOnWriteArraySet<>();

	private final Runnable permissionsChanged;

	/**
	 * Create an identity.
	 * @param identityId the identity id
	 * @param permissionsChanged called when what the identity may read changes, so that
	 * answers rendered for it are not reused
	 */
	IdentitySpec(String identityId, Runnable permissionsChanged) {
		this.identityId = identityId;
		this.permissionsChanged = permissionsChanged;
	}

	/**
	 * Only let callers from these AWS accounts log in. No accounts means any account.
	 * @param accountIds the account ids
	 * @return this spec
	 */
	public IdentitySpec allowedAccounts(String... accountIds) {
		this.allowedAccounts = List.of(accountIds);
		return this;
	}

	/**
	 * Only let these principals log in. {@code *} matches any characters; an assumed-role
	 * caller ({@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}) is matched as
	 * {@code arn:aws:iam::ACCOUNT:role/ROLE}. No ARNs means any principal.
	 * @param principalArns the principal ARNs, with optional wildcards
	 * @return this spec
	 */
	public IdentitySpec allowedPrincipalArns(String... principalArns) {
		this.allowedPrincipalArns = List.of(principalArns);
		return this;
	}

	/**
	 * Set the TTL of the access tokens: the window that each login or renewal opens.
	 * @param ttl the TTL, {@link Duration#ZERO} for none
	 * @return this spec
	 */
	public IdentitySpec accessTokenTtl(Duration ttl) {
		this.accessTokenTtl = checkSeconds(ttl, "ttl");
		return this;
	}

	/**
	 * Set the max TTL of the access tokens: their total life across renewals.
	 * @param maxTtl the max TTL, {@link Duration#ZERO} for none
	 * @return this spec
	 */
	public IdentitySpec accessTokenMaxTtl(Duration maxTtl) {
		this.accessTokenMaxTtl = checkSeconds(maxTtl, "maxTtl");
		return this;
	}

	/**
	 * Set how many authenticated calls each access token allows.
	 * @param limit the number of uses, {@code 0} for unlimited
	 * @return this spec
	 */
	public IdentitySpec numUsesLimit(int limit) {
		if (limit < 0) {
			throw new IllegalArgumentException("'limit' must not be negative");
		}
		this.numUsesLimit = limit;
		return this;
	}

	/**
	 * Let the identity read the secrets of a project (every environment and folder).
	 * Without it, reads answer {@code 403 PermissionDenied}.
	 * @param projectId the project id
	 * @return this spec
	 */
	public IdentitySpec canReadProject(String projectId) {
		this.readableProjects.add(projectId);
		this.permissionsChanged.run();
		return this;
	}

	/**
	 * Let the identity list the secrets of a folder but not read their values: current
	 * servers answer {@code secretValueHidden: true} and a masked value; the 2024 server,
	 * which has no such permission, answers {@code 403 PermissionDenied}.
	 * @param projectId the project id
	 * @param environmentSlug the environment slug
	 * @param secretPath the folder path
	 * @return this spec
	 */
	public IdentitySpec hiddenValues(String projectId, String environmentSlug, String secretPath) {
		this.hiddenFolders.add(folderKey(projectId, environmentSlug, SecretStore.normalizePath(secretPath)));
		this.permissionsChanged.run();
		return this;
	}

	String identityId() {
		return this.identityId;
	}

	Duration accessTokenTtl() {
		return this.accessTokenTtl;
	}

	Duration accessTokenMaxTtl() {
		return this.accessTokenMaxTtl;
	}

	int numUsesLimit() {
		return this.numUsesLimit;
	}

	boolean isAccountAllowed(String accountId) {
		List<String> allowed = this.allowedAccounts;
		return allowed.isEmpty() || allowed.stream().map(String::trim).anyMatch(accountId::equals);
	}

	boolean isPrincipalAllowed(String principalArn) {
		List<String> allowed = this.allowedPrincipalArns;
		return allowed.isEmpty()
				|| allowed.stream().map(String::trim).anyMatch((pattern) -> matches(pattern, principalArn));
	}

	boolean canRead(String projectId) {
		return this.readableProjects.contains(projectId);
	}

	boolean isHidden(String projectId, String environmentSlug, String secretPath) {
		return this.hiddenFolders.contains(folderKey(projectId, environmentSlug, secretPath));
	}

	/**
	 * Return the principal ARN that allow-lists are matched against: an assumed-role
	 * session ARN becomes its role ARN.
	 * @param arn the caller ARN from STS
	 * @return the principal ARN
	 */
	static String principalArn(String arn) {
		String[] parts = arn.split(":", 6);
		if (parts.length == 6 && parts[5].startsWith("assumed-role/")) {
			String[] resource = parts[5].split("/");
			if (resource.length >= 2) {
				return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + resource[1];
			}
		}
		return arn;
	}

	private static boolean matches(String pattern, String value) {
		String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
		return Pattern.compile(regex).matcher(value).matches();
	}

	private static String folderKey(String projectId, String environmentSlug, String secretPath) {
		return projectId + "\u0000" + environmentSlug + "\u0000" + secretPath;
	}

	private static Duration checkSeconds(Duration duration, String name) {
		if (duration == null || duration.isNegative()) {
			throw new IllegalArgumentException("'" + name + "' must not be null or negative");
		}
		return duration;
	}

	@Override
	public String toString() {
		return "IdentitySpec[" + this.identityId + "]";
	}

}
