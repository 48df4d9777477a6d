package io.rearguard.admission;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Builds a server {@link SSLContext} from the PEM files of a Kubernetes TLS Secret mounted as a
 * folder: {@code tls.crt} (the serving certificate first, then any intermediates) and {@code
 * tls.key} (PKCS #8 "PRIVATE KEY", or PKCS #1 "RSA PRIVATE KEY").
 */
public final class PemTls {
  /** Certificate chain file name, as in a Secret of type kubernetes.io/tls. */
  public static final String CERT_FILE = "tls.crt";

  /** Private key file name, as in a Secret of type kubernetes.io/tls. */
  public static final String KEY_FILE = "tls.key";

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  /** DER prefix of the AlgorithmIdentifier for rsaEncryption (OID 1.2.840.113549.1.1.1). */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private PemTls() {}

  /**
   * A loaded key pair.
   *
   * @param context the server TLS context
   * @param certificate the serving certificate, for log lines
   */
  public record Loaded(SSLContext context, X509Certificate certificate) {}

  /**
   * Reads {@code tls.crt} and {@code tls.key} from a folder and checks that the key belongs to the
   * first certificate.
   *
   * @throws IOException when a file cannot be read
   * @throws GeneralSecurityException when a file contains no usable certificate or key, or the key
   *     does not match the certificate
   */
  public static Loaded load(Path folder) throws IOException, GeneralSecurityException {
    List<X509Certificate> chain =
        certificates(Files.readString(folder.resolve(CERT_FILE), StandardCharsets.US_ASCII));
    PrivateKey key =
        privateKey(
            Files.readString(folder.resolve(KEY_FILE), StandardCharsets.US_ASCII),
            chain.get(0).getPublicKey().getAlgorithm());
    requireMatch(key, chain.get(0));
    char[] password = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("webhook", key, password, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return new Loaded(context, chain.get(0));
  }

  /** Parses every CERTIFICATE block of a PEM text, in order. */
  static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    Matcher block = BLOCK.matcher(pem);
    while (block.find()) {
      if ("CERTIFICATE".equals(block.group(1))) {
        byte[] der = decode(block.group(2));
        chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(CERT_FILE + " contains no PEM CERTIFICATE block");
    }
    return chain;
  }

  /** Parses the first private key block of a PEM text, for a certificate key of an algorithm. */
  static PrivateKey privateKey(String pem, String algorithm) throws GeneralSecurityException {
    Matcher block = BLOCK.matcher(pem);
    while (block.find()) {
      String type = block.group(1);
      byte[] der = decode(block.group(2));
      switch (type) {
        case "PRIVATE KEY":
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        case "RSA PRIVATE KEY":
          return KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(pkcs8FromPkcs1(der)));
        case "EC PRIVATE KEY":
        case "ENCRYPTED PRIVATE KEY":
          throw new GeneralSecurityException(
              KEY_FILE
                  + " contains a PEM "
                  + type
                  + " block, which is not supported; convert it to an unencrypted PKCS #8 key"
                  + " with: openssl pkcs8 -topk8 -nocrypt -in tls.key -out tls.key.pk8");
        default:
          break;
      }
    }
    throw new GeneralSecurityException(
        KEY_FILE + " contains no PEM PRIVATE KEY or RSA PRIVATE KEY block");
  }

  /** Wraps a PKCS #1 RSAPrivateKey in a PKCS #8 PrivateKeyInfo (version 0, rsaEncryption). */
  private static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.writeBytes(new byte[] {0x02, 0x01, 0x00});
    content.writeBytes(RSA_ALGORITHM);
    content.write(0x04);
    content.writeBytes(derLength(pkcs1.length));
    content.writeBytes(pkcs1);
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.write(0x30);
    info.writeBytes(derLength(content.size()));
    info.writeBytes(content.toByteArray());
    return info.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int shift = 24; shift >= 0; shift -= 8) {
      int value = (length >>> shift) & 0xff;
      if (value != 0 || bytes.size() > 0) {
        bytes.write(value);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | bytes.size());
    out.writeBytes(bytes.toByteArray());
    return out.toByteArray();
  }

  /** Signs a probe with the key and verifies it with the certificate's public key. */
  private static void requireMatch(PrivateKey key, X509Certificate certificate)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "rearguard".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException(
          KEY_FILE
              + " does not belong to the certificate in "
              + CERT_FILE
              + " ("
              + certificate.getSubjectX500Principal()
              + ")");
    }
  }

  private static byte[] decode(String base64) {
    return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
  }
}
