package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local stack started by {@code e2e/up}: where its kubeconfig, Prometheus and simulator port
 * are, with the defaults of that script.
 */
public final class E2eStack {
  /** Command that starts the stack, quoted in every "not up" message. */
  public static final String START_HINT =
      "Start it with e2e/up (or run the whole suite with e2e/test).";

  /** Namespace of the operator's ServiceAccount and Lease, as in manifests/. */
  public static final String OPERATOR_NAMESPACE = "rearguard-system";

  /** The operator's ServiceAccount, as in manifests/rbac.yaml. */
  public static final String OPERATOR_ACCOUNT = "rearguard-operator";

  private static final long OPERATOR_TOKEN_SECONDS = 4 * 3600;

  private final Path root;
  private final Path stateDir;
  private final int prometheusPort;
  private final int simulatorPort;
  private final int operatorPort;

  private E2eStack(
      Path root, Path stateDir, int prometheusPort, int simulatorPort, int operatorPort) {
    this.root = root;
    this.stateDir = stateDir;
    this.prometheusPort = prometheusPort;
    this.simulatorPort = simulatorPort;
    this.operatorPort = operatorPort;
  }

  /** Reads the settings from the environment, with the defaults of e2e/up. */
  public static E2eStack fromEnvironment() {
    String root =
        System.getProperty("rearguard.root", System.getenv().getOrDefault("REARGUARD_ROOT", "."));
    return new E2eStack(
        Path.of(root).toAbsolutePath().normalize(),
        Path.of(System.getenv().getOrDefault("REARGUARD_E2E_STATE", "/tmp/rearguard-e2e")),
        port("REARGUARD_PROMETHEUS_PORT", 19090),
        port("REARGUARD_SIMULATOR_PORT", 18080),
        port("REARGUARD_OPERATOR_METRICS_PORT", 18081));
  }

  public Path root() {
    return root;
  }

  public Path stateDir() {
    return stateDir;
  }

  public Path kubeconfig() {
    return stateDir.resolve("kubeconfig");
  }

  public Path kubeconfigFor(String user) {
    return stateDir.resolve("kubeconfig-" + user);
  }

  public Path logDir() {
    return stateDir.resolve("logs");
  }

  public int simulatorPort() {
    return simulatorPort;
  }

  public int operatorPort() {
    return operatorPort;
  }

  /** Returns the Prometheus base URL that Rollouts in the tests query. */
  public String prometheusAddress() {
    return "http://127.0.0.1:" + prometheusPort;
  }

  public URI prometheusUri(String pathAndQuery) {
    return URI.create(prometheusAddress() + pathAndQuery);
  }

  /** Connects as admin, failing with a clear message when the stack is not up. */
  public KubernetesClient connect() {
    if (!Files.isReadable(kubeconfig())) {
      throw new IllegalStateException(
          "The local stack is not up: " + kubeconfig() + " does not exist. " + START_HINT);
    }
    Config config = Config.fromKubeconfig(kubeconfig().toFile());
    config.setRequestTimeout((int) Duration.ofSeconds(30).toMillis());
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      client.close();
      throw new IllegalStateException(
          "The local stack is not up: the API server at "
              + config.getMasterUrl()
              + " does not respond ("
              + e.getMessage()
              + "). "
              + START_HINT,
          e);
    }
    return client;
  }

  /** Throws with a clear message unless Prometheus reports ready on {@code /-/ready}. */
  public void requirePrometheus(java.net.http.HttpClient http) throws InterruptedException {
    URI ready = prometheusUri("/-/ready");
    try {
      var response =
          http.send(
              java.net.http.HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "Prometheus at "
                + ready
                + " is not ready: status "
                + response.statusCode()
                + ". "
                + START_HINT);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Prometheus is not responding at " + ready + " (" + e + "). " + START_HINT, e);
    }
  }

  /** Applies the committed CRDs with server-side apply and waits until they are established. */
  public void installCrds(KubernetesClient client) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(root.resolve("crds"))) {
      files = list.filter(f -> f.toString().endsWith("-v1.yml")).sorted().toList();
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          client.resource(item).fieldManager("rearguard-e2e").forceConflicts().serverSideApply();
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(item.getMetadata().getName())
              .waitUntilCondition(E2eStack::established, 60, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Applies the namespace, RBAC, example roles and admission policies of manifests/ and writes a
   * kubeconfig for the operator's ServiceAccount, so that a local operator runs with exactly the
   * permissions of its Deployment. The example roles bind the stack's users oncall-alice and
   * dev-bob through their groups.
   *
   * @return the kubeconfig path
   */
  public Path installOperatorAccess(KubernetesClient client) throws IOException {
    for (String manifest : List.of("namespace.yaml", "rbac.yaml", "roles.yaml", "admission.yaml")) {
      try (InputStream in = Files.newInputStream(root.resolve("manifests").resolve(manifest))) {
        for (HasMetadata item : client.load(in).items()) {
          client.resource(item).fieldManager("rearguard-e2e").forceConflicts().serverSideApply();
        }
      }
    }
    var request =
        new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(OPERATOR_TOKEN_SECONDS)
            .endSpec()
            .build();
    String token =
        client
            .serviceAccounts()
            .inNamespace(OPERATOR_NAMESPACE)
            .withName(OPERATOR_ACCOUNT)
            .tokenRequest(request)
            .getStatus()
            .getToken();
    Config admin = Config.fromKubeconfig(kubeconfig().toFile());
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: rearguard-e2e
          cluster:
            server: %s
            certificate-authority-data: %s
        contexts:
        - name: operator
          context:
            cluster: rearguard-e2e
            user: %s
        current-context: operator
        users:
        - name: %s
          user:
            token: %s
        """
            .formatted(
                admin.getMasterUrl(),
                admin.getCaCertData(),
                OPERATOR_ACCOUNT,
                OPERATOR_ACCOUNT,
                token);
    Path file = stateDir.resolve("kubeconfig-" + OPERATOR_ACCOUNT);
    Files.writeString(file, kubeconfig);
    return file;
  }

  /** Creates a namespace named after a test, with a random suffix so reruns do not collide. */
  public static String createNamespace(KubernetesClient client, String prefix) {
    String base = prefix.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    String name =
        base.substring(0, Math.min(base.length(), 50))
            + "-"
            + UUID.randomUUID().toString().substring(0, 6);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private static int port(String name, int fallback) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, got '" + value + "'", e);
    }
  }
}
