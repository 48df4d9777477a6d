package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecord;
import io.rearguard.evidence.ChainVerifier;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention on the real control plane: an operator that keeps three records per Rollout deletes
 * older ones through the admission policy, and the shortened chain still verifies.
 */
class RecordRetentionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NAME = "shop";
  private static final int KEPT = 3;

  private static final E2eStack stack = E2eStack.fromEnvironment();
  private static KubernetesClient client;
  private static OperatorProcess operator;
  private static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    client = stack.connect();
    stack.installCrds(client);
    var kubeconfig = stack.installOperatorAccess(client);
    operator =
        new OperatorProcess(stack, kubeconfig, "operator-retention-it")
            .withEnvironment("REARGUARD_RECORD_RETENTION_COUNT", Integer.toString(KEPT))
            .start();
    kubectl = new Kubectl(stack);
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static String rollout(String namespace, String image) {
    return """
        apiVersion: rearguard.io/v1alpha1
        kind: Rollout
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: %2$s
          template:
            metadata:
              labels:
                app: %2$s
            spec:
              containers:
                - name: app
                  image: %3$s
          strategy:
            canary:
              steps:
                - setWeight: 50
        """
        .formatted(namespace, NAME, image);
  }

  /** Returns whether the operator has seen the latest spec and no canary is in progress. */
  private static boolean settled(Rollout rollout) {
    var status = rollout.getStatus();
    return status != null
        && rollout.getMetadata().getGeneration().equals(status.observedGeneration)
        && status.phase == RolloutPhase.Healthy
        && status.canaryRevision == null;
  }

  private static Rollout current(String namespace) {
    return client.resources(Rollout.class).inNamespace(namespace).withName(NAME).get();
  }

  @Test
  void oldRecordsAreDeletedAndChainStillVerifies() throws Exception {
    String namespace = E2eStack.createNamespace(client, "records-retention");
    for (int version = 1; version <= 3; version++) {
      kubectl.apply(rollout(namespace, "registry.example/shop:v" + version));
      Awaitility.await("v" + version + " healthy")
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> settled(current(namespace)));
    }
    Awaitility.await("records beyond " + KEPT + " deleted")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> RecordFixtures.records(client, namespace, NAME).size() == KEPT);

    Rollout rollout = current(namespace);
    List<RolloutRecord> records = RecordFixtures.records(client, namespace, NAME);
    long last = rollout.getStatus().history.lastSequence;
    RecordFixtures.PluginResult verify =
        RecordFixtures.plugin(stack, "oncall-alice", namespace, "verify", NAME);

    assertThat(last).isGreaterThan(KEPT);
    assertThat(rollout.getStatus().history.prunedThrough).isEqualTo(last - KEPT);
    assertThat(records)
        .extracting(r -> r.getSpec().sequence)
        .containsExactly(last - 2, last - 1, last);
    assertThat(ChainVerifier.verify(NAME, records, rollout.getStatus().history).intact()).isTrue();
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.stdout()).contains("deleted by retention");
  }
}
