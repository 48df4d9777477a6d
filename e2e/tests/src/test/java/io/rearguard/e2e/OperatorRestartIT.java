package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator killed with SIGKILL in the middle of a canary and started again as a new process:
 * the new process resumes from the Rollout's status, at the same step, with the same outcome. With
 * leader election on, the new process waits for the killed one's lease (15 s) to expire first.
 */
class OperatorRestartIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Duration SAMPLE_DELAY = Duration.ofMillis(150);

  /** Lease name of the operator's leader election, as set in the operator's Main. */
  private static final String LEASE = "rearguard-operator";

  private static OperatorStack env;

  /** The process started after the last kill, or null before the first kill. */
  private static OperatorProcess replacement;

  /** Step index and analysis progress of the canary at one moment. */
  private record Progress(Integer stepIndex, String stepStartTime, int measurements) {}

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-restart-it");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (replacement != null) {
        replacement.close();
      }
    } finally {
      if (env != null) {
        env.close();
      }
    }
  }

  @Test
  void killAtIndefinitePauseResumesAtSameStep() throws Exception {
    // given a canary waiting at its last step, an indefinite pause (step 4/4)
    String namespace = E2eStack.createNamespace(env.client, "restart-at-pause");
    String v1 = deployHealthy(namespace, "{}");
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v2", "{}"));
    Rollout waiting =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 waits at step 4/4",
            r -> r.getStatus().phase == RolloutPhase.Paused && atStep(r, 3));
    String v2 = waiting.getStatus().canaryRevision;

    // when the operator is killed and a new process takes over, then promote is applied
    List<Sampler.Sample<Progress>> beforePromote;
    Rollout promoted;
    try (Sampler<Progress> sampler = sampleProgress(namespace)) {
      killAndRestart("operator-restart-it-at-pause");
      await("v2 stays at step 4/4 under the new leader")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> atStep(env.rollout(namespace, NAME), 3));
      Instant promoteAt = Instant.now();
      env.kubectl.apply(
          RolloutManifests.command(namespace, "promote-v2", NAME, "promote", "after restart"));
      promoted =
          env.awaitRollout(
              namespace,
              NAME,
              TIMEOUT,
              "v2 promoted",
              r ->
                  v2.equals(r.getStatus().stableRevision)
                      && r.getStatus().phase == RolloutPhase.Healthy);
      beforePromote = sampler.samples().stream().filter(s -> s.time().isBefore(promoteAt)).toList();
    }

    // then nothing moved while the operator was away, and promote skipped step 4/4
    assertThat(beforePromote).hasSizeGreaterThan(20);
    assertThat(beforePromote)
        .extracting(s -> s.value().stepIndex())
        .containsOnly(waiting.getStatus().currentStepIndex);
    assertThat(beforePromote)
        .extracting(s -> s.value().stepStartTime())
        .containsOnly(waiting.getStatus().stepStartTime);
    RolloutCommandStatus result = env.command(namespace, "promote-v2").getStatus();
    assertThat(result.phase).isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(result.message).isEqualTo("step 4/4 skipped");
    assertThat(promoted.getStatus().abort).isNull();
    // The status is written before the old ReplicaSet is scaled down, so its pods go shortly after.
    await("v1 pods gone after the promotion")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(NamespaceReads.readyByRevision(env.client, namespace))
                    .containsEntry(v2, 4)
                    .containsEntry(v1, 0));
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "CanaryStarted")).hasSize(1);
  }

  @Test
  void killDuringStepAnalysisResumesTheAnalysis() throws Exception {
    // given a canary whose analysis at step 2/4 has taken some of its six measurements
    String namespace = E2eStack.createNamespace(env.client, "restart-in-analysis");
    String v1 = deployHealthy(namespace, "{}");
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v2", "{}"));
    Rollout measuring =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 analysis has measured",
            r -> atStep(r, 1) && measurementsAtStep(r.getStatus(), 1) >= 1);
    String v2 = measuring.getStatus().canaryRevision;

    // when the operator is killed and a new process takes over
    List<Sampler.Sample<Progress>> samples;
    Rollout waiting;
    try (Sampler<Progress> sampler = sampleProgress(namespace)) {
      killAndRestart("operator-restart-it-in-analysis");
      waiting =
          env.awaitRollout(
              namespace,
              NAME,
              TIMEOUT,
              "v2 waits at step 4/4",
              r -> r.getStatus().phase == RolloutPhase.Paused && atStep(r, 3));
      samples = sampler.samples();
    }

    // then the step index never went back and the analysis kept its measurements
    assertThat(samples).hasSizeGreaterThan(20);
    assertThat(samples).extracting(s -> s.value().stepIndex()).doesNotContainNull();
    assertThat(samples).extracting(s -> s.value().stepIndex()).isSorted();
    assertThat(samples).extracting(s -> s.value().stepIndex()).allMatch(index -> index >= 1);
    List<Integer> analysisCounts =
        samples.stream()
            .filter(s -> s.value().stepIndex() == 1)
            .map(s -> s.value().measurements())
            .toList();
    assertThat(analysisCounts).isSorted();
    assertThat(analysisCounts.get(0)).isPositive();
    assertThat(waiting.getStatus().canaryRevision).isEqualTo(v2);
    assertThat(waiting.getStatus().abort).isNull();
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "StepCompleted"))
        .anyMatch(m -> m.contains("analysis passed: error-ratio"));

    // and the outcome is the same as without a kill: promote makes v2 stable
    env.kubectl.apply(
        RolloutManifests.command(namespace, "promote-v2", NAME, "promote", "after restart"));
    Rollout promoted =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 promoted",
            r ->
                v2.equals(r.getStatus().stableRevision)
                    && r.getStatus().phase == RolloutPhase.Healthy);
    assertThat(promoted.getStatus().abort).isNull();
    // The status is written before the old ReplicaSet is scaled down, so its pods go shortly after.
    await("v1 pods gone after the promotion")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(NamespaceReads.readyByRevision(env.client, namespace))
                    .containsEntry(v2, 4)
                    .containsEntry(v1, 0));
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "CanaryStarted")).hasSize(1);
  }

  /**
   * Kills the running operator with SIGKILL, starts a new process and waits until it holds the
   * leader lease, which the killed process held until its 15 s lease duration ran out.
   */
  private static void killAndRestart(String logName) throws Exception {
    String killedHolder = leaseHolder();
    assertThat(killedHolder).as("lease holder before the kill").isNotNull();
    OperatorProcess running = replacement != null ? replacement : env.operator;
    running.kill();
    replacement =
        new OperatorProcess(env.stack, env.stack.kubeconfigFor(E2eStack.OPERATOR_ACCOUNT), logName)
            .start();
    await("the new operator process holds the lease")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              String holder = leaseHolder();
              return holder != null && !holder.equals(killedHolder);
            });
  }

  private static String leaseHolder() {
    Lease lease =
        env.client
            .resources(Lease.class)
            .inNamespace(E2eStack.OPERATOR_NAMESPACE)
            .withName(LEASE)
            .get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static Sampler<Progress> sampleProgress(String namespace) {
    return Sampler.start(
        "progress",
        SAMPLE_DELAY,
        () -> {
          RolloutStatus status = env.rollout(namespace, NAME).getStatus();
          return new Progress(
              status.currentStepIndex, status.stepStartTime, measurementsAtStep(status, 1));
        });
  }

  private static int measurementsAtStep(RolloutStatus status, int index) {
    return status.analysis.stream()
        .filter(run -> "Step".equals(run.scope) && Integer.valueOf(index).equals(run.stepIndex))
        .mapToInt(run -> run.count)
        .sum();
  }

  private static boolean atStep(Rollout rollout, int index) {
    return Integer.valueOf(index).equals(rollout.getStatus().currentStepIndex);
  }

  /** Returns the template Rollout: 25%, an analysis of three measurements, 50%, a last pause. */
  private static String manifest(String namespace, String image, String finalPause) {
    return RolloutManifests.rollout(
        namespace, NAME, image, env.stack.prometheusAddress(), finalPause);
  }

  private static String deployHealthy(String namespace, String finalPause) throws Exception {
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v1", finalPause));
    return env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v1 healthy",
            r -> r.getStatus().phase == RolloutPhase.Healthy)
        .getStatus()
        .stableRevision;
  }
}
