package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rearguard.api.CommandRef;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RolloutCommands applied with kubectl, as an on-call engineer would: promote, promote-full, a
 * command applied twice or copied under another name, an abort with no canary in progress, and a
 * command for a Rollout that does not exist.
 */
class ManualCommandsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** Two pauses without a duration, so the canary waits at step 2/4 and again at step 4/4. */
  private static final String TWO_PAUSES =
      """
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {}
      """;

  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-manual-commands-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void promoteSkipsExactlyOneStep() throws Exception {
    // given a canary waiting at the first pause, step 2/4
    String namespace = E2eStack.createNamespace(env.client, "commands-promote");
    String v1 = deployHealthy(namespace);
    String v2 = startCanaryAtFirstPause(namespace, "registry.example/shop:v2");

    // when
    env.kubectl.apply(command(namespace, "promote-v2", "promote", "dashboards look normal"));

    // then the canary passes step 3/4 and waits at the second pause, step 4/4
    Rollout waiting =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "canary waits at step 4/4",
            r -> r.getStatus().phase == RolloutPhase.Paused && atStep(r, 3));
    assertThat(waiting.getStatus().pauseReason).isEqualTo("PausedByStep");
    assertThat(waiting.getStatus().canaryWeight).isEqualTo(50);
    assertThat(waiting.getStatus().canaryRevision).isEqualTo(v2);
    assertThat(waiting.getStatus().stableRevision).isEqualTo(v1);
    RolloutCommandStatus result = env.command(namespace, "promote-v2").getStatus();
    assertThat(result.phase).isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(result.message).isEqualTo("step 2/4 skipped");
  }

  @Test
  void promoteFullSkipsAllRemainingSteps() throws Exception {
    // given a canary waiting at the first pause, step 2/4
    String namespace = E2eStack.createNamespace(env.client, "commands-promote-full");
    String v1 = deployHealthy(namespace);
    String v2 = startCanaryAtFirstPause(namespace, "registry.example/shop:v2");

    // when
    env.kubectl.apply(command(namespace, "promote-full-v2", "promote-full", "hotfix for outage"));

    // then v2 goes to full weight and becomes stable without waiting at step 4/4
    Rollout promoted =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 promoted",
            r ->
                v2.equals(r.getStatus().stableRevision)
                    && r.getStatus().phase == RolloutPhase.Healthy);
    assertThat(promoted.getStatus().canaryRevision).isNull();
    RolloutCommandStatus result = env.command(namespace, "promote-full-v2").getStatus();
    assertThat(result.phase).isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(result.message).contains("remaining steps skipped from step 2/4");
    // The status is written before the old ReplicaSet is scaled down, so its pods go shortly after.
    await("v1 pods gone after the promotion")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(NamespaceReads.readyByRevision(env.client, namespace))
                    .containsEntry(v2, 4)
                    .containsEntry(v1, 0));
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "StepCompleted"))
        .anyMatch(m -> m.contains("to full promotion (weight 100%): promote-full command"));
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "PausedByStep"))
        .noneMatch(m -> m.contains("step 4/4"));
  }

  @Test
  void duplicatedPromoteMovesTheRolloutOnce() throws Exception {
    // given a promote command that was accepted and moved the canary to step 4/4
    String namespace = E2eStack.createNamespace(env.client, "commands-duplicate");
    String v1 = deployHealthy(namespace);
    String v2 = startCanaryAtFirstPause(namespace, "registry.example/shop:v2");
    String promote = command(namespace, "promote-v2", "promote", "error budget is fine");
    env.kubectl.apply(promote);
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "canary waits at step 4/4",
        r -> r.getStatus().phase == RolloutPhase.Paused && atStep(r, 3));
    String firstProcessed = env.command(namespace, "promote-v2").getStatus().processedTime;

    // when the same YAML is applied again, then a copy under another name
    String reapplied = env.kubectl.apply(promote);
    env.kubectl.apply(command(namespace, "promote-v2-again", "promote", "error budget is fine"));

    // then the copy is rejected and the rollout stays at step 4/4
    await("copy rejected")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> env.command(namespace, "promote-v2-again").getStatus().phase != null);
    RolloutCommandStatus copy = env.command(namespace, "promote-v2-again").getStatus();
    assertThat(copy.phase).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(copy.message).startsWith("duplicate of command promote-v2 accepted at");
    assertThat(reapplied).contains("unchanged");
    RolloutCommandStatus original = env.command(namespace, "promote-v2").getStatus();
    assertThat(original.phase).isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(original.processedTime).isEqualTo(firstProcessed);
    await("rollout stays at step 4/4")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              Rollout r = env.rollout(namespace, NAME);
              return atStep(r, 3)
                  && v2.equals(r.getStatus().canaryRevision)
                  && v1.equals(r.getStatus().stableRevision);
            });
    List<CommandRef> remembered = env.rollout(namespace, NAME).getStatus().recentCommands;
    assertThat(remembered)
        .filteredOn(ref -> "promote-v2".equals(ref.name))
        .singleElement()
        .extracting(ref -> ref.result)
        .isEqualTo("Accepted");
  }

  @Test
  void abortWithoutCanaryIsRejected() throws Exception {
    // given a Healthy rollout with no canary
    String namespace = E2eStack.createNamespace(env.client, "commands-abort-idle");
    String v1 = deployHealthy(namespace);

    // when
    env.kubectl.apply(command(namespace, "abort-idle", "abort", "pager alert on checkout"));

    // then the abort is rejected and the stable ReplicaSet keeps its four pods
    await("abort decided")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> env.command(namespace, "abort-idle").getStatus().phase != null);
    RolloutCommandStatus result = env.command(namespace, "abort-idle").getStatus();
    assertThat(result.phase).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(result.message).contains("nothing to abort: no canary is in progress");
    await("stable keeps four ready pods")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                Objects.equals(NamespaceReads.specByRevision(env.client, namespace).get(v1), 4)
                    && Objects.equals(
                        NamespaceReads.readyByRevision(env.client, namespace).get(v1), 4));
    Rollout after = env.rollout(namespace, NAME);
    assertThat(after.getStatus().phase).isEqualTo(RolloutPhase.Healthy);
    assertThat(after.getStatus().abort).isNull();
  }

  @Test
  void commandStatusRecordsRolloutStateBeforeIt() throws Exception {
    // given a canary waiting at the first pause, step 2/4
    String namespace = E2eStack.createNamespace(env.client, "commands-rollout-state");
    deployHealthy(namespace);
    startCanaryAtFirstPause(namespace, "registry.example/shop:v2");

    // when
    env.kubectl.apply(command(namespace, "promote-v2", "promote", "latency is flat"));

    // then rolloutState is the state before the command, as the field's description in the CRD
    // states
    await("promote decided")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> env.command(namespace, "promote-v2").getStatus().phase != null);
    RolloutCommand command = env.command(namespace, "promote-v2");
    assertThat(command.getStatus().rolloutState).isEqualTo("Paused at step 2/4");
  }

  @Test
  void commandForMissingRolloutIsRejected() throws Exception {
    // given a Healthy rollout and a command whose target name is mistyped
    String namespace = E2eStack.createNamespace(env.client, "commands-missing-target");
    String v1 = deployHealthy(namespace);

    // when
    env.kubectl.apply(
        RolloutManifests.command(namespace, "abort-typo", "chekout", "abort", "pager alert"));

    // then the command gets a visible rejection and the real rollout is untouched
    await("command decided")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> env.command(namespace, "abort-typo").getStatus().phase != null);
    RolloutCommandStatus result = env.command(namespace, "abort-typo").getStatus();
    assertThat(result.phase).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(result.message).contains("Rollout chekout not found in namespace " + namespace);
    Rollout after = env.rollout(namespace, NAME);
    assertThat(after.getStatus().phase).isEqualTo(RolloutPhase.Healthy);
    assertThat(after.getStatus().stableRevision).isEqualTo(v1);
  }

  private static String command(String namespace, String name, String action, String reason) {
    return RolloutManifests.command(namespace, name, NAME, action, reason);
  }

  private static boolean atStep(Rollout rollout, int index) {
    return rollout.getStatus() != null
        && Integer.valueOf(index).equals(rollout.getStatus().currentStepIndex);
  }

  private static String deployHealthy(String namespace) throws Exception {
    env.kubectl.apply(
        CanaryRollouts.rollout(namespace, "registry.example/shop:v1", 120, TWO_PAUSES));
    return env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v1 healthy",
            r -> r.getStatus().phase == RolloutPhase.Healthy)
        .getStatus()
        .stableRevision;
  }

  /** Updates the image, waits at step 2/4 and returns the canary revision. */
  private static String startCanaryAtFirstPause(String namespace, String image) throws Exception {
    env.kubectl.apply(CanaryRollouts.rollout(namespace, image, 120, TWO_PAUSES));
    return env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "canary waits at step 2/4",
            r -> r.getStatus().phase == RolloutPhase.Paused && atStep(r, 1))
        .getStatus()
        .canaryRevision;
  }
}
