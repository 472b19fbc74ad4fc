package io.github.infisicalawsauth.test;

import java.net.URI;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A webhook of an {@link EnvironmentSpec}, as a project admin registers one in Infisical:
 * after a secret changes in a folder of the environment whose path matches the webhook's
 * glob, the server POSTs a {@link WebhookNotice} to its URL. The server records the
 * outcome of the last delivery only, as Infisical does; a failed delivery is not resent.
 * The {@link #toString()} of a webhook does not show its secret key.
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class Webhook {

	private final EnvironmentSpec environment;

	private final URI url;

	private final String secretPath;

	private final Pattern pathPattern;

	private final @Nullable String secretKey;

	private int deliveryCount;

	private int lastStatus;

	private @Nullable String lastError;

	private @Nullable WebhookNotice lastNotice;

	Webhook(EnvironmentSpec environment, URI url, String secretPath, @Nullable String secretKey) {
		this.environment = environment;
		this.url = url;
		this.secretPath = secretPath;
		this.pathPattern = compile(secretPath);
		this.secretKey = secretKey;
	}

	/**
	 * Return the URL the notices are POSTed to.
	 * @return the URL
	 */
	public URI url() {
		return this.url;
	}

	/**
	 * Return the environment slug.
	 * @return the slug
	 */
	public String environment() {
		return this.environment.slug();
	}

	/**
	 * Return the glob of folder paths the webhook is for.
	 * @return the glob, for example {@code /} or {@code /app/**}
	 */
	public String secretPath() {
		return this.secretPath;
	}

	/**
	 * Return whether the webhook's notices are signed.
	 * @return whether it has a secret key
	 */
	public boolean isSigned() {
		return this.secretKey != null;
	}

	/**
	 * Build the notice this webhook would get now about a change at a folder, signed with
	 * its secret key and stamped with the server's clock, without sending it.
	 * @param secretPath the path of the folder that changed
	 * @return the notice
	 */
	public WebhookNotice notice(String secretPath) {
		if (secretPath == null || secretPath.isEmpty()) {
			throw new IllegalArgumentException("'secretPath' must not be empty");
		}
		SecretStore store = this.environment.project().store();
		return WebhookNotice.of(store.generation(), this.environment.project().id(), this.environment.slug(),
				SecretStore.normalizePath(secretPath), store.now().toEpochMilli(), this.secretKey);
	}

	/**
	 * Return how many notices the server sent to this webhook, answered or not.
	 * @return the number of deliveries that ended
	 */
	public synchronized int deliveryCount() {
		return this.deliveryCount;
	}

	/**
	 * Return the HTTP status that the last delivery got.
	 * @return the status, or empty when nothing was delivered yet or the last delivery
	 * got no answer (see {@link #lastError()})
	 */
	public synchronized OptionalInt lastStatus() {
		return (this.deliveryCount > 0 && this.lastError == null) ? OptionalInt.of(this.lastStatus)
				: OptionalInt.empty();
	}

	/**
	 * Return why the last delivery got no answer.
	 * @return the failure, for example a refused connection or the 15 second timeout, or
	 * {@code null} when it was answered or nothing was delivered yet
	 */
	public synchronized @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * Return the notice of the last delivery.
	 * @return the notice, or {@code null} when nothing was delivered yet
	 */
	public synchronized @Nullable WebhookNotice lastNotice() {
		return this.lastNotice;
	}

	/**
	 * Return whether a folder path matches the webhook's glob.
	 * @param path the normalised folder path
	 * @return whether notices about the folder go to this webhook
	 */
	boolean matches(String path) {
		return this.pathPattern.matcher(SecretStore.removeTrailingSlash(path)).matches();
	}

	synchronized void delivered(WebhookNotice notice, int status) {
		this.deliveryCount++;
		this.lastNotice = notice;
		this.lastStatus = status;
		this.lastError = null;
	}

	synchronized void failed(WebhookNotice notice, String error) {
		this.deliveryCount++;
		this.lastNotice = notice;
		this.lastStatus = 0;
		this.lastError = error;
	}

	/**
	 * Compile a glob as Infisical matches webhook paths (picomatch without strict
	 * slashes): {@code **} matches any characters, {@code /**} at the end also the folder
	 * itself, {@code *} and {@code ?} any characters and one character within a segment;
	 * a trailing {@code /} does not matter.
	 * @param glob the glob
	 * @return the pattern
	 */
	static Pattern compile(String glob) {
		String trimmed = SecretStore.removeTrailingSlash(glob);
		StringBuilder regex = new StringBuilder();
		int i = 0;
		while (i < trimmed.length()) {
			char c = trimmed.charAt(i);
			if (trimmed.startsWith("/**", i) && i + 3 == trimmed.length()) {
				regex.append("(/.*)?");
				i += 3;
			}
			else if (trimmed.startsWith("**", i)) {
				regex.append(".*");
				i += 2;
			}
			else if (c == '*') {
				regex.append("[^/]*");
				i++;
			}
			else if (c == '?') {
				regex.append("[^/]");
				i++;
			}
			else {
				regex.append(Pattern.quote(String.valueOf(c)));
				i++;
			}
		}
		return Pattern.compile(regex.toString());
	}

	@Override
	public String toString() {
		return "Webhook[" + this.url + ", " + this.environment.slug() + ":" + this.secretPath + ", "
				+ ((this.secretKey != null) ? "signed" : "unsigned") + "]";
	}

}
