package io.github.infisicalawsauth.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The Infisical site URL normalised to its API base ({@code https://host/api}).
 *
 * @author Infisical AWS Auth contributors
 * @since 0.1.0
 */
public final class InfisicalSiteUrl {

	private final URI apiBase;

	private InfisicalSiteUrl(URI apiBase) {
		this.apiBase = apiBase;
	}

	/**
	 * Parse and check a site URL such as {@code https://app.infisical.com}. A trailing
	 * {@code /} or {@code /api} is tolerated. Plain {@code http} is refused unless the
	 * host is loopback or {@code allowInsecureHttp} is set.
	 * @param siteUrl the configured URL
	 * @param allowInsecureHttp whether plain HTTP to a non-loopback host is accepted
	 * @return the normalised URL
	 * @throws IllegalArgumentException with a reason that can be shown to the user
	 */
	public static InfisicalSiteUrl of(String siteUrl, boolean allowInsecureHttp) {
		if (siteUrl == null || siteUrl.isBlank()) {
			throw new IllegalArgumentException("must not be empty");
		}
		URI uri;
		try {
			uri = new URI(siteUrl.trim());
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("is not a valid URL: " + ex.getReason());
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("https") && !scheme.equals("http")) {
			throw new IllegalArgumentException("must be an http(s) URL such as https://app.infisical.com");
		}
		if (uri.getHost() == null) {
			throw new IllegalArgumentException("must name a host, for example https://app.infisical.com");
		}
		if (uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
			throw new IllegalArgumentException("must not contain user info, a query or a fragment");
		}
		if (scheme.equals("http") && !allowInsecureHttp && !isLoopback(uri.getHost())) {
			throw new IllegalArgumentException("uses plain http to a host that is not loopback: tokens would travel "
					+ "unencrypted. Use https, or set infisical.allow-insecure-http=true if you really mean it");
		}
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		if (path.endsWith("/api")) {
			path = path.substring(0, path.length() - 4);
		}
		String authority = uri.getRawAuthority();
		return new InfisicalSiteUrl(URI.create(scheme + "://" + authority + path + "/api"));
	}

	private static boolean isLoopback(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		if (name.equals("localhost") || name.endsWith(".localhost")) {
			return true;
		}
		if (name.startsWith("[") || name.matches("[0-9.]+")) {
			try {
				// an IP literal: no name lookup happens
				return InetAddress.getByName(name).isLoopbackAddress();
			}
			catch (UnknownHostException ex) {
				return false;
			}
		}
		return false;
	}

	/**
	 * Return the API base, for example {@code https://app.infisical.com/api}.
	 * @return the API base URI
	 */
	public URI apiBase() {
		return this.apiBase;
	}

	/**
	 * Whether the site is reached over TLS.
	 * @return {@code true} for an {@code https} URL
	 */
	public boolean isHttps() {
		return "https".equalsIgnoreCase(this.apiBase.getScheme());
	}

	@Override
	public String toString() {
		return this.apiBase.toString();
	}

}
