package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutPhase;
import io.rearguard.e2e.RecordFixtures.PluginResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * cli/kubectl-rearguard against the real API server, as two users: oncall-alice (group
 * rearguard:oncall) may promote and abort, dev-bob (group rearguard:app-team) may only read.
 */
class KubectlPluginIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NAME = "shop";
  private static final String ALICE = "oncall-alice";
  private static final String BOB = "dev-bob";

  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-plugin-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  private PluginResult plugin(String user, String namespace, String... args) throws Exception {
    return RecordFixtures.plugin(env.stack, user, namespace, args);
  }

  /** Deploys v1, then v2 with a last pause step without a duration, and waits there. */
  private void canaryWaitingAtLastPause(String namespace) throws Exception {
    String prometheus = env.stack.prometheusAddress();
    env.kubectl.apply(
        RolloutManifests.rollout(namespace, NAME, "registry.example/shop:v1", prometheus, "{}"));
    env.awaitRollout(
        namespace, NAME, TIMEOUT, "v1 healthy", r -> r.getStatus().phase == RolloutPhase.Healthy);
    env.kubectl.apply(
        RolloutManifests.rollout(namespace, NAME, "registry.example/shop:v2", prometheus, "{}"));
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "v2 waits at its last pause",
        r -> r.getStatus().phase == RolloutPhase.Paused);
  }

  @Test
  void promoteStatusHistoryAndVerify() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "plugin-promote");
    canaryWaitingAtLastPause(namespace);

    PluginResult status = plugin(BOB, namespace, "status", NAME);
    PluginResult promote = plugin(ALICE, namespace, "promote", NAME, "--reason", "v2 looks good");
    Rollout promoted =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 promoted",
            r -> r.getStatus().phase == RolloutPhase.Healthy);
    RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    PluginResult history = plugin(BOB, namespace, "history", NAME);
    PluginResult verify = plugin(BOB, namespace, "verify", NAME);

    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.stdout())
        .contains("Rollout " + namespace + "/" + NAME)
        .contains("Phase:    Paused")
        .contains("Step:     4/4")
        .contains("Weight:   canary 50%, stable 50%")
        .contains("registry.example/shop:v1  ready 2/2")
        .contains("registry.example/shop:v2  ready 2/2")
        .contains("PausedByStep by operator");
    assertThat(promote.exitCode()).as(promote.output()).isZero();
    assertThat(promote.stdout()).contains("created as oncall-alice").contains("Accepted: ");
    RolloutCommand command =
        env.client.resources(RolloutCommand.class).inNamespace(namespace).list().getItems().get(0);
    assertThat(command.getSpec().requestedBy).isEqualTo(ALICE);
    assertThat(command.getSpec().reason).isEqualTo("v2 looks good");
    assertThat(promoted.getStatus().canaryRevision).isNull();
    List<String> lines = history.stdout().lines().toList();
    assertThat(history.exitCode()).as(history.output()).isZero();
    assertThat(lines.get(0)).contains("records of " + NAME);
    assertThat(lines.get(1)).startsWith("SEQ");
    assertThat(history.stdout())
        .contains("command/" + command.getMetadata().getName() + " by oncall-alice")
        .contains("Promoted")
        .contains("RevisionDeployed");
    assertThat(lines.get(2)).as("newest first").doesNotContain("RevisionDeployed");
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.stdout()).startsWith("OK: the chain of " + NAME + " is intact");
  }

  @Test
  void statusShowsLastMeasurementAgainstThreshold() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "plugin-metrics");
    String prometheus = env.stack.prometheusAddress();
    env.kubectl.apply(
        RolloutManifests.rollout(namespace, NAME, "registry.example/shop:v1", prometheus, "{}"));
    env.awaitRollout(
        namespace, NAME, TIMEOUT, "v1 healthy", r -> r.getStatus().phase == RolloutPhase.Healthy);
    String longAnalysis =
        RolloutManifests.rollout(namespace, NAME, "registry.example/shop:v2", prometheus, "{}")
            .replace("count: 3", "count: 1000");
    env.kubectl.apply(longAnalysis);
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "v2 measured in its analysis step",
        r -> !r.getStatus().analysis.isEmpty() && r.getStatus().analysis.get(0).successful > 0);

    PluginResult status = plugin(BOB, namespace, "status", NAME);

    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.stdout())
        .contains("Step:     2/4")
        .contains("Analysis:")
        .containsPattern("error-ratio \\(step 2/4\\) Running, last .+ \\(\\w+\\) at .+, threshold")
        .contains("threshold max 0.05");
  }

  @Test
  void abortAcceptedThenRepeatRejected() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "plugin-abort");
    canaryWaitingAtLastPause(namespace);

    PluginResult abort = plugin(ALICE, namespace, "abort", NAME, "--reason", "latency alarm");
    env.awaitRollout(
        namespace, NAME, TIMEOUT, "v2 aborted", r -> r.getStatus().phase == RolloutPhase.Aborted);
    PluginResult again = plugin(ALICE, namespace, "abort", NAME, "--reason", "still bad");
    PluginResult status = plugin(ALICE, namespace, "status", NAME);

    assertThat(abort.exitCode()).as(abort.output()).isZero();
    assertThat(abort.stdout()).contains("Accepted: canary").contains("aborted");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr()).contains("Rejected: nothing to abort");
    assertThat(status.stdout()).contains("Aborted:  AbortCommand by command/");
  }

  @Test
  void appTeamPromoteIsNotPermitted() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "plugin-forbidden");
    canaryWaitingAtLastPause(namespace);

    PluginResult promote = plugin(BOB, namespace, "promote", NAME, "--full", "--reason", "ship it");
    PluginResult missing = plugin(ALICE, namespace, "abort", "no-such-rollout", "--reason", "x");

    assertThat(promote.exitCode()).isEqualTo(1);
    assertThat(promote.stderr())
        .contains("error: not permitted")
        .contains("User \"dev-bob\" cannot create resource \"rolloutcommands\"")
        .contains("rearguard-oncall");
    assertThat(env.client.resources(RolloutCommand.class).inNamespace(namespace).list().getItems())
        .isEmpty();
    assertThat(env.rollout(namespace, NAME).getStatus().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("Rollout " + namespace + "/no-such-rollout not found");
  }
}
