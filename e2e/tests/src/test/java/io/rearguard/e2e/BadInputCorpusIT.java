package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.rearguard.api.RolloutPhase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Applies the bad-input corpus (src/test/resources/bad-input) to the real API server with the
 * operator running, checks each case's expected outcome, then checks that the operator is alive and
 * still moves a valid Rollout.
 *
 * <p>Each object is created with fabric8 and {@code fieldValidation=Strict}. fabric8 sends the YAML
 * as a generic object, so unknown fields and wrong types reach the server unchanged, and the test
 * reads the server's Status (code, reason, message) instead of parsing kubectl's output. kubectl's
 * client-side apply would also add a last-applied-configuration annotation, which doubles the size
 * of the huge-annotation case.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** Time an invalid spec must leave the ReplicaSets alone after InvalidSpec is set. */
  private static final Duration HOLD = Duration.ofSeconds(3);

  private static final String CORPUS = "bad-input";

  /** Cause the API server adds when it skips CEL rules because the schema already failed. */
  private static final String RULES_NOT_CHECKED = "some validation rules were not checked";

  /** Line the operator logs once per start, in both log formats. */
  private static final String STARTED = "started; metrics and health on 127.0.0.1:";

  /** Start of the API server's message when the operator's policy webhook denies a request. */
  private static final String WEBHOOK_DENIAL = "admission webhook \"policies.rearguard.io\"";

  private static PolicyWebhookFixture webhook;
  private static OperatorStack env;
  private static long operatorPid;
  private static long logOffset;
  private static List<String> celMessages;
  private static final Map<String, KubernetesClient> USER_CLIENTS = new ConcurrentHashMap<>();
  private static final Map<String, Integer> OUTCOMES = new TreeMap<>();
  private static int casesRun;

  @BeforeAll
  static void start() throws Exception {
    webhook = PolicyWebhookFixture.prepare(E2eStack.fromEnvironment());
    env = new OperatorStack("operator-bad-input-it", webhook.operatorEnvironment());
    webhook.register(env.stack, env.client);
    operatorPid = env.operator.pid();
    logOffset = Files.size(env.operator.logFile());
    celMessages = ruleMessages(env.stack.root().resolve("crds"));
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println(summary());
    USER_CLIENTS.values().forEach(KubernetesClient::close);
    if (webhook != null) {
      webhook.close(env == null ? null : env.client);
    }
    if (env != null) {
      env.close();
    }
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> corpusCasesHaveExpectedOutcome() {
    List<BadInputCase> cases = BadInputCase.loadAll(CORPUS);
    assertThat(cases)
        .as("cases under src/test/resources/" + CORPUS)
        .hasSizeGreaterThanOrEqualTo(40);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
  }

  @Test
  @Order(2)
  void operatorSurvivesCorpus() throws Exception {
    assertThat(casesRun).as("corpus cases run before this check").isGreaterThanOrEqualTo(40);
    assertThat(ProcessHandle.of(operatorPid).map(ProcessHandle::isAlive))
        .as("operator process %d is still running", operatorPid)
        .contains(true);
    assertThat(httpStatus("/healthz")).as("/healthz").isEqualTo(200);
    assertThat(httpStatus("/readyz")).as("/readyz").isEqualTo(200);
    String log = logSinceStart();
    assertThat(log)
        .as("uncaught errors in %s", env.operator.logFile())
        .doesNotContain("Exception in thread")
        .doesNotContain("StackOverflowError")
        .doesNotContain("OutOfMemoryError");
    assertThat(log).as("the operator logged a second start").doesNotContain(STARTED);

    String namespace = E2eStack.createNamespace(env.client, "bad-input-after");
    env.kubectl.apply(
        CanaryRollouts.rollout(namespace, "registry.example/shop:v1", 120, "- setWeight: 50\n"));
    String v1 =
        env.awaitRollout(
                namespace,
                CanaryRollouts.NAME,
                TIMEOUT,
                "v1 Healthy after the corpus",
                r -> r.getStatus().phase == RolloutPhase.Healthy)
            .getStatus()
            .stableRevision;
    env.kubectl.apply(
        CanaryRollouts.rollout(namespace, "registry.example/shop:v2", 120, "- setWeight: 50\n"));
    env.awaitRollout(
        namespace,
        CanaryRollouts.NAME,
        TIMEOUT,
        "v2 promoted to Healthy after the corpus",
        r ->
            r.getStatus().phase == RolloutPhase.Healthy
                && !Objects.equals(r.getStatus().stableRevision, v1));
  }

  private void run(BadInputCase badInput) throws Exception {
    String namespace =
        E2eStack.createNamespace(env.client, "bad-" + badInput.kind() + "-" + badInput.id());
    List<String> documents = badInput.documents(env.stack.prometheusAddress());
    for (String setup : documents.subList(0, documents.size() - 1)) {
      setUp(namespace, parse(setup, namespace));
    }
    GenericKubernetesResource object = parse(documents.get(documents.size() - 1), namespace);
    Map<String, Integer> replicaSetsBefore = replicaSets(namespace);
    KubernetesClientException rejection = apply(badInput, object);
    switch (badInput.expect()) {
      case REJECTED -> checkRejected(badInput, rejection);
      case INVALID_SPEC -> {
        assertAccepted(badInput, rejection);
        checkInvalidSpec(badInput, object, replicaSetsBefore);
      }
      case ESCAPED -> {
        assertAccepted(badInput, rejection);
        checkEscaped(badInput, object);
      }
    }
    synchronized (OUTCOMES) {
      String label =
          badInput.expect() == BadInputCase.Expect.REJECTED
              ? "rejected by " + badInput.via()
              : badInput.expect().text;
      OUTCOMES.merge(label, 1, Integer::sum);
      casesRun++;
    }
  }

  private static void assertAccepted(BadInputCase badInput, KubernetesClientException rejection) {
    if (rejection != null) {
      fail(badInput.name() + " was expected to be stored, but was rejected: " + message(rejection));
    }
  }

  private void checkRejected(BadInputCase badInput, KubernetesClientException rejection) {
    assertThat(rejection).as(badInput.name() + " rejected by the API server").isNotNull();
    String message = message(rejection);
    assertThat(layers(rejection, message))
        .as(badInput.name() + ": " + message)
        .contains(badInput.via());
    for (String expected : badInput.messages()) {
      assertThat(message).as(badInput.name() + " rejection message").contains(expected);
    }
  }

  private void checkInvalidSpec(
      BadInputCase badInput, GenericKubernetesResource object, Map<String, Integer> before)
      throws InterruptedException {
    AtomicReference<Map<String, Object>> condition = new AtomicReference<>();
    Awaitility.await(badInput.name() + " gets condition InvalidSpec=True")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              condition.set(invalidSpecCondition(resource(env.client, object).get()));
              return condition.get() != null;
            });
    String message = String.valueOf(condition.get().get("message"));
    for (String expected : badInput.messages()) {
      assertThat(message).as(badInput.name() + " InvalidSpec message").contains(expected);
    }
    Thread.sleep(HOLD.toMillis());
    String namespace = object.getMetadata().getNamespace();
    assertThat(replicaSets(namespace))
        .as(badInput.name() + ": ReplicaSets and their replicas after InvalidSpec")
        .isEqualTo(before);
  }

  private void checkEscaped(BadInputCase badInput, GenericKubernetesResource object) {
    AtomicReference<Map<String, Object>> measurement = new AtomicReference<>();
    Awaitility.await(badInput.name() + " canary analysis measured")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              measurement.set(firstMeasurement(resource(env.client, object).get()));
              return measurement.get() != null;
            });
    String query = String.valueOf(measurement.get().get("query"));
    for (String expected : badInput.queryContains()) {
      assertThat(query).as(badInput.name() + " query as sent").contains(expected);
    }
    assertThat(measurement.get().get("outcome"))
        .as(badInput.name() + ": the escaped argument matches no series; query " + query)
        .isEqualTo("NoData");
  }

  /**
   * Creates a setup object, as its requester for a command, and waits until a Rollout is Healthy.
   */
  private void setUp(String namespace, GenericKubernetesResource object) {
    String requester = requestedBy(object);
    resource(requester == null ? env.client : client(requester), object)
        .fieldValidation(Validation.STRICT)
        .create();
    if ("Rollout".equals(object.getKind())) {
      Awaitility.await(object.getMetadata().getName() + " Healthy before the case")
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> "Healthy".equals(status(resource(env.client, object).get()).get("phase")));
    }
  }

  /** Creates or updates the case's object and returns the API server's rejection, if any. */
  private KubernetesClientException apply(BadInputCase badInput, GenericKubernetesResource object) {
    KubernetesClient client = badInput.user() == null ? env.client : client(badInput.user());
    try {
      if (badInput.update()) {
        update(client, object);
      } else {
        resource(client, object).fieldValidation(Validation.STRICT).create();
      }
      return null;
    } catch (KubernetesClientException e) {
      return e;
    }
  }

  /** Replaces an object, retrying when the operator wrote its status in between. */
  private static void update(KubernetesClient client, GenericKubernetesResource object) {
    for (int attempt = 1; ; attempt++) {
      GenericKubernetesResource live = resource(client, object).get();
      object.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
      try {
        resource(client, object).fieldValidation(Validation.STRICT).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /**
   * Names the layers that rejected a request, from the API server's Status. A request can fail in
   * more than one layer: a name of 254 characters breaks both the metadata check and the name rule.
   */
  private static Set<String> layers(KubernetesClientException rejection, String message) {
    Status status = rejection.getStatus();
    String reason = status == null ? null : status.getReason();
    if (rejection.getCode() == 409 && "AlreadyExists".equals(reason)) {
      return Set.of("exists");
    }

    if (message.contains("strict decoding error")) {
      return Set.of("strict");
    }
    if (message.contains("ValidatingAdmissionPolicy")) {
      return Set.of("admission");
    }
    if (message.contains(WEBHOOK_DENIAL)) {
      return Set.of("webhook");
    }
    if (rejection.getCode() != 422) {
      return Set.of("unexpected status " + rejection.getCode() + " " + reason);
    }

    List<StatusCause> causes =
        status.getDetails() == null || status.getDetails().getCauses() == null
            ? List.of()
            : status.getDetails().getCauses();
    Set<String> layers = new TreeSet<>();
    for (StatusCause cause : causes) {
      String text = String.valueOf(cause.getMessage());
      if (!text.contains(RULES_NOT_CHECKED)) {
        layers.add(layer(String.valueOf(cause.getField()), text));
      }
    }
    if (layers.isEmpty()) {
      layers.add(layer(message, message));
    }
    return layers;
  }

  private static String layer(String field, String message) {
    if (celMessages.stream().anyMatch(message::contains)) {
      return "cel";
    }
    return field.startsWith("metadata.") ? "metadata" : "schema";
  }

  private static String message(KubernetesClientException rejection) {
    Status status = rejection.getStatus();
    return status != null && status.getMessage() != null
        ? status.getMessage()
        : String.valueOf(rejection.getMessage());
  }

  private static Map<String, Object> invalidSpecCondition(GenericKubernetesResource object) {
    Object conditions = status(object).get("conditions");
    if (!(conditions instanceof List<?> list)) {
      return null;
    }
    for (Object item : list) {
      if (item instanceof Map<?, ?> condition
          && "InvalidSpec".equals(condition.get("type"))
          && "True".equals(condition.get("status"))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) condition;
        return typed;
      }
    }
    return null;
  }

  private static Map<String, Object> firstMeasurement(GenericKubernetesResource object) {
    Object runs = status(object).get("analysis");
    if (!(runs instanceof List<?> list)) {
      return null;
    }
    for (Object run : list) {
      if (run instanceof Map<?, ?> runMap
          && runMap.get("measurements") instanceof List<?> measurements
          && !measurements.isEmpty()
          && measurements.get(0) instanceof Map<?, ?> first) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) first;
        return typed;
      }
    }
    return null;
  }

  private static Map<String, Object> status(GenericKubernetesResource object) {
    if (object == null
        || !(object.getAdditionalProperties().get("status") instanceof Map<?, ?> s)) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> typed = (Map<String, Object>) s;
    return typed;
  }

  private static String requestedBy(GenericKubernetesResource object) {
    if (!"RolloutCommand".equals(object.getKind())
        || !(object.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
        || !(spec.get("requestedBy") instanceof String user)) {
      return null;
    }
    return Files.isReadable(env.stack.kubeconfigFor(user)) ? user : null;
  }

  /** Returns each ReplicaSet of a namespace with its desired replicas. */
  private static Map<String, Integer> replicaSets(String namespace) {
    Map<String, Integer> replicas = new TreeMap<>();
    for (var replicaSet :
        env.client.apps().replicaSets().inNamespace(namespace).list().getItems()) {
      replicas.put(replicaSet.getMetadata().getName(), replicaSet.getSpec().getReplicas());
    }
    return replicas;
  }

  private static GenericKubernetesResource parse(String document, String namespace) {
    GenericKubernetesResource object =
        env.client
            .getKubernetesSerialization()
            .unmarshal(document, GenericKubernetesResource.class);
    // Cluster-scoped kinds, such as ClusterRolloutPolicy, have no namespace.
    if (!object.getKind().startsWith("Cluster")) {
      object.getMetadata().setNamespace(namespace);
    }
    return object;
  }

  private static Resource<GenericKubernetesResource> resource(
      KubernetesClient client, GenericKubernetesResource object) {
    var resources = client.genericKubernetesResources(object.getApiVersion(), object.getKind());
    String namespace = object.getMetadata().getNamespace();
    return namespace == null
        ? resources.resource(object)
        : resources.inNamespace(namespace).resource(object);
  }

  private static KubernetesClient client(String user) {
    return USER_CLIENTS.computeIfAbsent(
        user,
        name -> {
          Config config = Config.fromKubeconfig(env.stack.kubeconfigFor(name).toFile());
          return new KubernetesClientBuilder().withConfig(config).build();
        });
  }

  /** Returns the operator log written after it reported ready. Runs append to the same file. */
  private static String logSinceStart() throws IOException {
    byte[] all = Files.readAllBytes(env.operator.logFile());
    return new String(all, (int) logOffset, all.length - (int) logOffset, StandardCharsets.UTF_8);
  }

  private static int httpStatus(String path) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://127.0.0.1:" + env.stack.operatorPort() + path);
    return http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Returns the messages of every x-kubernetes-validations rule in the CRD files of a folder. */
  private static List<String> ruleMessages(Path crds) throws IOException {
    List<String> messages = new ArrayList<>();
    try (Stream<Path> files = Files.list(crds)) {
      for (Path file : files.filter(f -> f.toString().endsWith("-v1.yml")).toList()) {
        Object crd =
            env.client.getKubernetesSerialization().unmarshal(Files.readString(file), Map.class);
        collectRuleMessages(crd, false, messages);
      }
    }
    assertThat(messages).as("x-kubernetes-validations messages in " + crds).isNotEmpty();
    return messages;
  }

  private static void collectRuleMessages(Object node, boolean inRules, List<String> messages) {
    if (node instanceof Map<?, ?> map) {
      if (inRules && map.get("message") instanceof String message) {
        messages.add(message);
      }
      map.forEach(
          (key, value) ->
              collectRuleMessages(value, "x-kubernetes-validations".equals(key), messages));
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collectRuleMessages(item, inRules, messages));
    }
  }

  private static String summary() {
    StringBuilder text = new StringBuilder("bad-input corpus outcomes (" + casesRun + " cases):");
    synchronized (OUTCOMES) {
      OUTCOMES.forEach(
          (label, count) -> text.append("\n  ").append(label).append(": ").append(count));
    }
    return text.toString();
  }
}
