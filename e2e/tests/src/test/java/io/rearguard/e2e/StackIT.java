package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.rearguard.simulator.Simulator;
import io.rearguard.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Proves that the local stack from {@code e2e/up} supports what the operator needs: scheduling on
 * KWOK nodes, CRDs with CEL validation and a status subresource, server-side apply, and Prometheus
 * scraping the simulator. Each test runs in its own namespace. If the stack is not up, every test
 * fails with a message that names the command that starts it.
 */
class StackIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Annotation that marks the fake nodes KWOK manages, as written by e2e/up. */
  private static final String KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

  private static final String CRD_NAME = "widgets.stacktest.rearguard.io";
  private static final ResourceDefinitionContext WIDGETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("stacktest.rearguard.io")
          .withVersion("v1")
          .withPlural("widgets")
          .withKind("Widget")
          .withNamespaced(true)
          .build();

  private static E2eStack stack;
  private static KubernetesClient client;
  private final HttpClient http = HttpClient.newHttpClient();
  private String namespace;

  @BeforeAll
  static void connect() {
    stack = E2eStack.fromEnvironment();
    client = stack.connect();
  }

  @AfterAll
  static void disconnect() {
    if (client != null) {
      client.close();
    }
  }

  @BeforeEach
  void createNamespace(TestInfo testInfo) {
    namespace =
        E2eStack.createNamespace(
            client, "stack-it-" + testInfo.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void deleteNamespace() {
    if (namespace != null) {
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  void deploymentRunsThreePodsOnFakeNodes() {
    Deployment deployment = StackResources.webDeployment(3);
    client.apps().deployments().inNamespace(namespace).resource(deployment).create();

    await("3 ready replicas of Deployment " + namespace + "/web")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              Deployment current =
                  client.apps().deployments().inNamespace(namespace).withName("web").get();
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().getReadyReplicas()).isEqualTo(3);
            });

    List<Pod> pods = client.pods().inNamespace(namespace).withLabel("app", "web").list().getItems();
    assertThat(pods).hasSize(3);
    for (Pod pod : pods) {
      assertThat(pod.getStatus().getConditions())
          .as("conditions of pod %s", pod.getMetadata().getName())
          .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      String nodeName = pod.getSpec().getNodeName();
      assertThat(nodeName).as("node of pod %s", pod.getMetadata().getName()).isNotBlank();
      Node node = client.nodes().withName(nodeName).get();
      assertThat(node).as("node %s", nodeName).isNotNull();
      assertThat(node.getMetadata().getAnnotations())
          .as("annotations of node %s", nodeName)
          .containsEntry(KWOK_NODE_ANNOTATION, "fake");
    }
  }

  @Test
  void crdCelRuleRejectsInvalidObject() throws IOException {
    Resource<CustomResourceDefinition> crd = applyWidgetCrd();
    try {
      NonNamespaceOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>>
          widgets = client.genericKubernetesResources(WIDGETS).inNamespace(namespace);

      // Serving a new CRD can lag behind its Established condition, so retry until it is served.
      GenericKubernetesResource created =
          await("API server serves " + CRD_NAME)
              .atMost(TIMEOUT)
              .pollInterval(POLL)
              .ignoreExceptionsMatching(e -> isNotFound(e))
              .until(
                  () -> widgets.resource(StackResources.widget(namespace, "valid", 3, 1)).create(),
                  Objects::nonNull);

      assertThat(created.getAdditionalProperties())
          .as("status sent on create is dropped when the status subresource is enabled")
          .doesNotContainKey("status");
      created.getAdditionalProperties().put("status", Map.of("observedReplicas", 3));
      GenericKubernetesResource withStatus = widgets.resource(created).updateStatus();
      assertThat(withStatus.getAdditionalProperties())
          .containsEntry("status", Map.of("observedReplicas", 3));

      assertThatThrownBy(
              () -> widgets.resource(StackResources.widget(namespace, "invalid", 1, 5)).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getMessage()).contains("minReplicas must not exceed replicas");
              });
      assertThat(widgets.withName("invalid").get()).isNull();
    } finally {
      crd.delete();
    }
  }

  @Test
  void serverSideApplyDetectsFieldManagerConflict() {
    ConfigMap first = StackResources.configMap(namespace, Map.of("color", "blue"));
    ConfigMap applied =
        client
            .configMaps()
            .inNamespace(namespace)
            .resource(first)
            .fieldManager("stack-it-first")
            .serverSideApply();
    assertThat(applied.getData()).containsEntry("color", "blue");
    assertThat(applied.getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
        .contains(tuple("stack-it-first", "Apply"));

    ConfigMap conflicting = StackResources.configMap(namespace, Map.of("color", "green"));
    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace(namespace)
                    .resource(conflicting)
                    .fieldManager("stack-it-second")
                    .serverSideApply())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getMessage()).contains("stack-it-first");
            });

    ConfigMap forced =
        client
            .configMaps()
            .inNamespace(namespace)
            .resource(conflicting)
            .fieldManager("stack-it-second")
            .forceConflicts()
            .serverSideApply();
    assertThat(forced.getData()).containsEntry("color", "green");
  }

  @Test
  void prometheusScrapesSimulatorRequests() throws Exception {
    stack.requirePrometheus(http);
    ReplicaSet replicaSet = StackResources.stackTestReplicaSet();
    client.apps().replicaSets().inNamespace(namespace).resource(replicaSet).create();
    await("2 ready replicas of ReplicaSet " + namespace + "/stack-test-abc123")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              ReplicaSet current =
                  client
                      .apps()
                      .replicaSets()
                      .inNamespace(namespace)
                      .withName("stack-test-abc123")
                      .get();
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().getReadyReplicas()).isEqualTo(2);
            });

    SimulatorConfig config =
        new SimulatorConfig(
            stack.kubeconfig(),
            namespace,
            SimulatorConfig.DEFAULT_REQUESTS_PER_SECOND,
            stack.simulatorPort(),
            42L);
    try (Simulator simulator = startSimulator(config)) {
      String query =
          "simulator_requests_total{rollout=\"stack-test\",namespace=\"" + namespace + "\"}";
      JsonNode result =
          await("non-empty Prometheus result for " + query)
              .atMost(TIMEOUT)
              .pollInterval(POLL)
              .until(() -> queryPrometheus(query), node -> node.size() > 0);

      JsonNode labels = result.get(0).path("metric");
      assertThat(labels.path("__name__").asText()).isEqualTo("simulator_requests_total");
      assertThat(labels.path("revision").asText()).isEqualTo("abc123");
      assertThat(labels.path("image").asText()).isEqualTo("registry.example/app:stack-test");
      assertThat(labels.path("code").asText()).isIn("200", "500");
    }
  }

  private Simulator startSimulator(SimulatorConfig config) throws IOException {
    try {
      return Simulator.start(config);
    } catch (BindException e) {
      return fail(
          "Port 127.0.0.1:%d is in use, probably by a simulator from e2e/simulator-ctl; stop it"
              + " with e2e/simulator-ctl stop",
          config.port());
    }
  }

  /** Runs an instant query and returns the {@code data.result} array. */
  private JsonNode queryPrometheus(String query) throws IOException, InterruptedException {
    String encoded = URLEncoder.encode(query, StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(stack.prometheusUri("/api/v1/query?query=" + encoded))
            .timeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("Prometheus query status, body %s", response.body())
        .isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asText()).isEqualTo("success");
    return body.path("data").path("result");
  }

  private Resource<CustomResourceDefinition> applyWidgetCrd() throws IOException {
    CustomResourceDefinition definition;
    try (InputStream yaml = StackIT.class.getResourceAsStream("/stacktest-crd.yaml")) {
      definition =
          client.getKubernetesSerialization().unmarshal(yaml, CustomResourceDefinition.class);
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(definition)
        .fieldManager("stack-it")
        .forceConflicts()
        .serverSideApply();
    Resource<CustomResourceDefinition> crd =
        client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME);
    await("CRD " + CRD_NAME + " established")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                crd.get().getStatus() != null
                    && crd.get().getStatus().getConditions().stream()
                        .anyMatch(
                            c ->
                                "Established".equals(c.getType()) && "True".equals(c.getStatus())));
    return crd;
  }

  private static boolean isNotFound(Throwable e) {
    return e instanceof KubernetesClientException kubernetesError
        && kubernetesError.getCode() == 404;
  }
}
