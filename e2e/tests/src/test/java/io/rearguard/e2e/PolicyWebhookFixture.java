package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rearguard.api.RolloutPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The policy admission webhook of a local operator process, registered with the stack's API server:
 * a throwaway CA and a serving certificate for 127.0.0.1 made with the JDK's keytool, a free port,
 * and a ValidatingWebhookConfiguration built from manifests/webhook.yaml with {@code url:
 * https://127.0.0.1:<port>/validate-policy} in place of the Service. The API server runs on the
 * same host, so it reaches the operator on loopback.
 */
final class PolicyWebhookFixture {
  /** Label of the configurations this fixture creates, so a crashed run's leftover is removed. */
  static final String LABEL = "rearguard.io/e2e-webhook";

  private static final String PASSWORD = "e2e-webhook";

  private final Path folder;
  private final int port;
  private final byte[] caPem;
  private final String name =
      "rearguard-policies-e2e-" + UUID.randomUUID().toString().substring(0, 6);

  private PolicyWebhookFixture(Path folder, int port, byte[] caPem) {
    this.folder = folder;
    this.port = port;
    this.caPem = caPem;
  }

  /** Makes the certificates under the stack's state folder and picks a free loopback port. */
  static PolicyWebhookFixture prepare(E2eStack stack) throws Exception {
    Path folder = Files.createTempDirectory(stack.stateDir(), "webhook-");
    keytool(
        folder,
        "-genkeypair",
        "-alias",
        "ca",
        "-keystore",
        "ca.p12",
        "-dname",
        "CN=rearguard-e2e-webhook-ca",
        "-ext",
        "bc:c",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "1");
    keytool(
        folder,
        "-genkeypair",
        "-alias",
        "server",
        "-keystore",
        "server.p12",
        "-dname",
        "CN=127.0.0.1",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "1");
    keytool(
        folder, "-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
    keytool(
        folder,
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        "ca.p12",
        "-infile",
        "server.csr",
        "-outfile",
        "tls.crt",
        "-rfc",
        "-validity",
        "1",
        "-ext",
        "san=ip:127.0.0.1",
        "-ext",
        "ku:c=digitalSignature,keyEncipherment",
        "-ext",
        "eku=serverAuth");
    keytool(
        folder, "-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-rfc", "-file", "ca.crt");

    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(folder.resolve("server.p12"))) {
      server.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) server.getKey("server", PASSWORD.toCharArray());
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    Files.writeString(
        folder.resolve("tls.key"),
        "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");

    int port;
    // NOTE: another process may take the port between this probe and the operator's bind; the
    // operator then fails to start with "Address already in use".
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    return new PolicyWebhookFixture(folder, port, Files.readAllBytes(folder.resolve("ca.crt")));
  }

  /** Returns the operator's environment that turns the webhook on. */
  Map<String, String> operatorEnvironment() {
    return Map.of(
        "REARGUARD_WEBHOOK_CERT_DIR", folder.toString(),
        "REARGUARD_WEBHOOK_PORT", Integer.toString(port));
  }

  /**
   * Registers the webhook and waits until the API server calls it: a server-side dry run of a
   * policy that does not compile must be denied by the webhook.
   */
  void register(E2eStack stack, KubernetesClient client) throws IOException, InterruptedException {
    client.admissionRegistration().v1().validatingWebhookConfigurations().withLabel(LABEL).delete();
    ValidatingWebhookConfiguration configuration = fromManifests(stack, client);
    configuration.getMetadata().setName(name);
    configuration.getMetadata().setLabels(Map.of(LABEL, "true"));
    configuration
        .getWebhooks()
        .get(0)
        .setClientConfig(
            new WebhookClientConfigBuilder()
                .withUrl("https://127.0.0.1:" + port + "/validate-policy")
                .withCaBundle(Base64.getEncoder().encodeToString(caPem))
                .build());
    client.resource(configuration).create();
    awaitActive(client);
  }

  private static ValidatingWebhookConfiguration fromManifests(
      E2eStack stack, KubernetesClient client) throws IOException {
    try (InputStream in =
        Files.newInputStream(stack.root().resolve("manifests").resolve("webhook.yaml"))) {
      for (HasMetadata item : client.load(in).items()) {
        if (item instanceof ValidatingWebhookConfiguration configuration) {
          return configuration;
        }
      }
    }
    throw new IllegalStateException("manifests/webhook.yaml has no ValidatingWebhookConfiguration");
  }

  private void awaitActive(KubernetesClient client) throws InterruptedException {
    RolloutPolicy probe =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            """
            apiVersion: rearguard.io/v1alpha1
            kind: RolloutPolicy
            metadata:
              name: webhook-probe
              namespace: default
            spec:
              rules:
                - name: probe
                  expression: "1 +"
            """,
            RolloutPolicy.class);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        client.resource(probe).dryRun().create();
        last = "the dry run was allowed";
      } catch (KubernetesClientException e) {
        if (e.getMessage() != null && e.getMessage().contains("denied the request")) {
          return;
        }
        last = e.getMessage();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the API server did not call the policy webhook on port " + port + " within 60s: " + last);
  }

  /** Removes the configuration and the certificates. */
  void close(KubernetesClient client) throws IOException {
    if (client != null) {
      client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
    }
    try (var files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(folder);
  }

  private static void keytool(Path folder, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
    Process process =
        new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
    }
  }
}
