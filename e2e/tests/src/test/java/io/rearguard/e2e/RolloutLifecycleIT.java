package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's main paths on the real control plane and Prometheus: promotion on healthy metrics,
 * automatic rollback on errors, a kubectl-applied abort, and admission of invalid Rollouts.
 */
class RolloutLifecycleIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-lifecycle-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  private String deployHealthy(String namespace, String finalPause) throws Exception {
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v1", finalPause));
    Rollout healthy =
        env.awaitRollout(
            namespace,
            "shop",
            TIMEOUT,
            "v1 healthy",
            r -> r.getStatus().phase == RolloutPhase.Healthy);
    return healthy.getStatus().stableRevision;
  }

  private String manifest(String namespace, String image, String finalPause) {
    return RolloutManifests.rollout(
        namespace, "shop", image, env.stack.prometheusAddress(), finalPause);
  }

  @Test
  void healthyUpdateWalksEveryStepAndPromotes() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "lifecycle-promote");
    String v1 = deployHealthy(namespace, "{duration: 2s}");

    env.kubectl.apply(manifest(namespace, "registry.example/shop:v2", "{duration: 2s}"));
    Rollout promoted =
        env.awaitRollout(
            namespace,
            "shop",
            TIMEOUT,
            "v2 promoted",
            r ->
                !v1.equals(r.getStatus().stableRevision)
                    && r.getStatus().phase == RolloutPhase.Healthy);

    assertThat(promoted.getStatus().canaryRevision).isNull();
    // The status is written before the old ReplicaSet is scaled down, so its pods go shortly after.
    org.awaitility.Awaitility.await("v1 pods gone after the promotion")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(readyByImage(namespace))
                    .containsEntry("registry.example/shop:v2", 4)
                    .containsEntry("registry.example/shop:v1", 0));
    assertThat(eventReasons(namespace)).contains("StepCompleted", "Promoted", "CanaryStarted");
  }

  @Test
  void canaryErrorRatioAboveThresholdRollsBack() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "lifecycle-rollback");
    String v1 = deployHealthy(namespace, "{duration: 2s}");
    env.simulator.failRequests("registry.example/shop:v3", 0.5);

    env.kubectl.apply(manifest(namespace, "registry.example/shop:v3", "{duration: 2s}"));
    Rollout aborted =
        env.awaitRollout(
            namespace,
            "shop",
            TIMEOUT,
            "v3 aborted",
            r -> r.getStatus().phase == RolloutPhase.Aborted);

    assertThat(aborted.getStatus().abort.reason).isEqualTo("AnalysisFailed");
    assertThat(aborted.getStatus().abort.message).contains("error-ratio").contains("max 0.05");
    assertThat(aborted.getStatus().stableRevision).isEqualTo(v1);
    assertThat(aborted.getStatus().canaryWeight).isZero();
    env.awaitRollout(
        namespace,
        "shop",
        TIMEOUT,
        "v3 scaled to zero",
        r -> readyByImage(namespace).getOrDefault("registry.example/shop:v3", 0) == 0);
    assertThat(readyByImage(namespace)).containsEntry("registry.example/shop:v1", 4);
  }

  @Test
  void kubectlAppliedAbortCommandRollsBack() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "lifecycle-abort");
    String v1 = deployHealthy(namespace, "{}");
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v4", "{}"));
    env.awaitRollout(
        namespace,
        "shop",
        TIMEOUT,
        "v4 waits at its pause step",
        r -> r.getStatus().phase == RolloutPhase.Paused);

    env.kubectl.apply(
        RolloutManifests.command(
            namespace, "abort-v4", "shop", "abort", "latency alarm on checkout"));
    Rollout aborted =
        env.awaitRollout(
            namespace,
            "shop",
            TIMEOUT,
            "v4 aborted",
            r -> r.getStatus().phase == RolloutPhase.Aborted);

    assertThat(aborted.getStatus().abort.reason).isEqualTo("AbortCommand");
    assertThat(aborted.getStatus().abort.actor).isEqualTo("command/abort-v4 by oncall-alice");
    assertThat(aborted.getStatus().stableRevision).isEqualTo(v1);
    assertThat(env.command(namespace, "abort-v4").getStatus().phase)
        .isEqualTo(RolloutCommandStatus.Phase.Accepted);
  }

  @Test
  void apiserverRejectsInvalidRolloutsWithClearMessages() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "lifecycle-invalid");
    String valid = manifest(namespace, "registry.example/shop:v1", "{duration: 2s}");

    Kubectl.Result weight =
        env.kubectl.run(valid.replace("setWeight: 50", "setWeight: 150"), "apply", "-f", "-");
    Kubectl.Result twoKinds =
        env.kubectl.run(
            valid.replace("- setWeight: 50", "- setWeight: 50\n          pause: {}"),
            "apply",
            "-f",
            "-");
    Kubectl.Result noThreshold =
        env.kubectl.run(valid.replace("max: 0.05", "{}"), "apply", "-f", "-");

    assertThat(weight.exitCode()).isNotZero();
    assertThat(weight.output()).contains("setWeight").contains("less than or equal to 100");
    assertThat(twoKinds.exitCode()).isNotZero();
    assertThat(twoKinds.output())
        .contains("each step must set exactly one of setWeight, pause or analysis");
    assertThat(noThreshold.exitCode()).isNotZero();
    assertThat(noThreshold.output()).contains("a threshold needs max, min or condition");
    assertThat(env.rollout(namespace, "shop")).isNull();
  }

  private static Map<String, Integer> readyByImage(String namespace) {
    List<ReplicaSet> replicaSets =
        env.client.apps().replicaSets().inNamespace(namespace).list().getItems();
    return replicaSets.stream()
        .collect(
            Collectors.toMap(
                rs -> rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
                rs ->
                    rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null
                        ? 0
                        : rs.getStatus().getReadyReplicas(),
                Integer::sum));
  }

  private static List<String> eventReasons(String namespace) {
    return env.client.v1().events().inNamespace(namespace).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }
}
