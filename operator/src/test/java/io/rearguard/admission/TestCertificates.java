package io.rearguard.admission;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed serving certificates for 127.0.0.1, made with the JDK's keytool and written as the
 * PEM files of a TLS Secret.
 */
final class TestCertificates {
  private static final String PASSWORD = "changeit";

  private TestCertificates() {}

  /**
   * A generated key pair.
   *
   * @param certificate the self-signed certificate, with IP 127.0.0.1 as subject alternative name
   * @param key the private key
   */
  record Pair(X509Certificate certificate, PrivateKey key) {
    /** Writes tls.crt and tls.key (PKCS #8) into a folder. */
    void write(Path folder) throws IOException, GeneralSecurityException {
      Files.writeString(
          folder.resolve(PemTls.CERT_FILE), pem("CERTIFICATE", certificate.getEncoded()));
      Files.writeString(folder.resolve(PemTls.KEY_FILE), pem("PRIVATE KEY", key.getEncoded()));
    }

    /** Returns a client context that trusts only this certificate. */
    SSLContext trustingContext() throws GeneralSecurityException, IOException {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server", certificate);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    }
  }

  /** Generates an RSA key pair and a certificate valid for one day. */
  static Pair generate(Path folder, String alias) throws Exception {
    Path store = folder.resolve(alias + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                List.of(
                    keytool.toString(),
                    "-genkeypair",
                    "-alias",
                    alias,
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "1",
                    "-dname",
                    "CN=127.0.0.1",
                    "-ext",
                    "san=ip:127.0.0.1",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    Certificate certificate = keys.getCertificate(alias);
    PrivateKey key = (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
    return new Pair((X509Certificate) certificate, key);
  }

  static String pem(String type, byte[] der) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }
}
