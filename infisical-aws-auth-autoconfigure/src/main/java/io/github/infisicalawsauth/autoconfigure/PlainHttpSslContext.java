package io.github.infisicalawsauth.autoconfigure;

import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of the JDK {@code HttpClient} of an {@code http://} site, which never
 * speaks TLS (redirects are not followed): without one the client loads the JDK's TLS
 * stack and default trust store at startup, some hundreds of classes, for nothing. Any
 * attempt to use it fails.
 *
 * @author Infisical AWS Auth contributors
 */
final class PlainHttpSslContext extends SSLContext {

	private static final String PROTOCOL = "none";

	PlainHttpSslContext() {
		super(new Refusing(), new Provider("infisical-plain-http", "1.0", "no TLS for http:// sites") {
		}, PROTOCOL);
	}

	private static final class Refusing extends SSLContextSpi {

		@Override
		protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
			throw refused();
		}

		@Override
		protected SSLSocketFactory engineGetSocketFactory() {
			throw refused();
		}

		@Override
		protected SSLServerSocketFactory engineGetServerSocketFactory() {
			throw refused();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine() {
			throw refused();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine(String host, int port) {
			throw refused();
		}

		@Override
		protected SSLSessionContext engineGetServerSessionContext() {
			throw refused();
		}

		@Override
		protected SSLSessionContext engineGetClientSessionContext() {
			throw refused();
		}

		@Override
		protected SSLParameters engineGetDefaultSSLParameters() {
			return new SSLParameters();
		}

		@Override
		protected SSLParameters engineGetSupportedSSLParameters() {
			return new SSLParameters();
		}

		private static IllegalStateException refused() {
			return new IllegalStateException(
					"TLS is not used for an http:// Infisical site; use an https:// infisical.site-url for TLS");
		}

	}

}
