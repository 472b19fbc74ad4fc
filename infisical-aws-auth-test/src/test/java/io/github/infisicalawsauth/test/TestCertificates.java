package io.github.infisicalawsauth.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code 127.0.0.1}, made with the JDK's {@code keytool}.
 *
 * @author Infisical AWS Auth contributors
 */
final class TestCertificates {

	private static final char[] PASSWORD = "changeit".toCharArray();

	private final KeyStore keyStore;

	private final Certificate certificate;

	private TestCertificates(KeyStore keyStore, Certificate certificate) {
		this.keyStore = keyStore;
		this.certificate = certificate;
	}

	static TestCertificates create(Path directory) {
		Path keyStore = directory.resolve("server.p12");
		Path certificate = directory.resolve("server.pem");
		keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
				"-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keyStore.toString(),
				"-storetype", "PKCS12", "-storepass", new String(PASSWORD));
		keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(), "-storepass",
				new String(PASSWORD), "-file", certificate.toString());
		try (InputStream keys = Files.newInputStream(keyStore); InputStream pem = Files.newInputStream(certificate)) {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(keys, PASSWORD);
			return new TestCertificates(store, CertificateFactory.getInstance("X.509").generateCertificate(pem));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	SSLContext serverContext() {
		try {
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(this.keyStore, PASSWORD);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), null, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	SSLContext clientContext() {
		try {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			trusted.setCertificateEntry("server", this.certificate);
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers.getTrustManagers(), null);
			return context;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			if (process.waitFor() != 0) {
				throw new IllegalStateException("keytool failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
