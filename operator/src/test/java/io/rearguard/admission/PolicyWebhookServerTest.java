package io.rearguard.admission;

import static io.rearguard.admission.Reviews.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook over HTTP (limits and status codes) and over HTTPS with PEM files. */
class PolicyWebhookServerTest {
  private static final int LIMIT = 16 * 1024;

  @TempDir Path folder;

  private final ExecutorService validation = Executors.newSingleThreadExecutor();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer plain;

  @BeforeEach
  void start() throws Exception {
    plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    plain.createContext(
        PolicyWebhookServer.PATH,
        new AdmissionHttpHandler(new PolicyAdmission(validation, Duration.ofSeconds(10)), LIMIT));
    plain.start();
  }

  @AfterEach
  void stop() {
    plain.stop(0);
    validation.shutdownNow();
  }

  private HttpResponse<String> post(byte[] body) throws Exception {
    URI uri =
        URI.create("http://127.0.0.1:" + plain.getAddress().getPort() + PolicyWebhookServer.PATH);
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reviewIsAnsweredWithJson() throws Exception {
    HttpResponse<String> response = post(Reviews.policy("CREATE", "bad", rule("x", "1 +")));

    JsonNode review = Serialization.jsonMapper().readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(review.path("response").path("uid").asText()).isEqualTo(Reviews.UID);
    assertThat(review.path("response").path("allowed").asBoolean()).isFalse();
    assertThat(review.path("response").path("status").path("message").asText())
        .contains("rule \"x\": expression 1:");
  }

  @Test
  void oversizedBodyIsRejectedWith413() throws Exception {
    byte[] body = new byte[LIMIT + 1];
    Arrays.fill(body, (byte) ' ');

    HttpResponse<String> response = post(body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("exceeds the limit of " + LIMIT + " bytes");
  }

  @Test
  void streamLongerThanLimitIsNotRead() throws Exception {
    byte[] over = new byte[LIMIT + 1];
    byte[] exact = new byte[LIMIT];

    assertThat(AdmissionHttpHandler.readAtMost(new ByteArrayInputStream(over), LIMIT)).isNull();
    assertThat(AdmissionHttpHandler.readAtMost(new ByteArrayInputStream(exact), LIMIT))
        .hasSize(LIMIT);
  }

  @Test
  void malformedReviewIsRejectedWith400() throws Exception {
    HttpResponse<String> response = post("{}".getBytes());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .startsWith("malformed AdmissionReview: expected an AdmissionReview");
  }

  @Test
  void getIsRejectedWith405() throws Exception {
    URI uri =
        URI.create("http://127.0.0.1:" + plain.getAddress().getPort() + PolicyWebhookServer.PATH);

    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void httpsServerUsesPemFiles() throws Exception {
    TestCertificates.Pair pair = TestCertificates.generate(folder, "webhook");
    pair.write(folder);
    PemTls.Loaded tls = PemTls.load(folder);

    try (PolicyWebhookServer server = PolicyWebhookServer.start("127.0.0.1", 0, tls.context())) {
      HttpClient client = HttpClient.newBuilder().sslContext(pair.trustingContext()).build();
      URI uri = URI.create("https://127.0.0.1:" + server.port() + PolicyWebhookServer.PATH);
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri)
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          Reviews.policy("CREATE", "fine", rule("a", "true"))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"allowed\":true");
    }
    assertThat(tls.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=127.0.0.1");
  }

  @Test
  void pkcs1RsaKeyIsAccepted() throws Exception {
    TestCertificates.Pair pair = TestCertificates.generate(folder, "webhook");
    pair.write(folder);
    byte[] pkcs8 = pair.key().getEncoded();
    // PKCS #8 of an RSA key: SEQUENCE header (4 bytes), version (3), algorithm (15), then an
    // OCTET STRING whose content is the PKCS #1 key.
    int offset = 4 + 3 + 15;
    int lengthBytes = pkcs8[offset + 1] & 0x7f;
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, offset + 2 + lengthBytes, pkcs8.length);
    Files.writeString(
        folder.resolve(PemTls.KEY_FILE), TestCertificates.pem("RSA PRIVATE KEY", pkcs1));

    PemTls.Loaded tls = PemTls.load(folder);

    assertThat(tls.context()).isNotNull();
  }

  @Test
  void keyOfAnotherCertificateIsRejected() throws Exception {
    TestCertificates.Pair first = TestCertificates.generate(folder, "first");
    TestCertificates.Pair second = TestCertificates.generate(folder, "second");
    first.write(folder);
    Files.writeString(
        folder.resolve(PemTls.KEY_FILE),
        TestCertificates.pem("PRIVATE KEY", second.key().getEncoded()));

    assertThatThrownBy(() -> PemTls.load(folder))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("tls.key does not belong to the certificate in tls.crt");
  }

  @Test
  void fileWithoutCertificateIsRejected() throws Exception {
    Files.writeString(folder.resolve(PemTls.CERT_FILE), "not a certificate\n");
    Files.writeString(folder.resolve(PemTls.KEY_FILE), "");

    assertThatThrownBy(() -> PemTls.load(folder))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("tls.crt contains no PEM CERTIFICATE block");
  }
}
