package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecord;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RolloutCommand admission policy on the real API server: the requester must be the user who
 * creates the command. A replayed command is recorded as rejected and changes nothing else.
 */
class CommandAdmissionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NAME = "shop";

  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-command-admission-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  private String deployPausedCanary(String namespace) throws Exception {
    String prometheus = env.stack.prometheusAddress();
    env.kubectl.apply(
        RolloutManifests.rollout(namespace, NAME, "registry.example/shop:v1", prometheus, "{}"));
    env.awaitRollout(
        namespace, NAME, TIMEOUT, "v1 healthy", r -> r.getStatus().phase == RolloutPhase.Healthy);
    env.kubectl.apply(
        RolloutManifests.rollout(namespace, NAME, "registry.example/shop:v2", prometheus, "{}"));
    return env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 waits at its last pause",
            r -> r.getStatus().phase == RolloutPhase.Paused)
        .getStatus()
        .canaryRevision;
  }

  @Test
  void foreignRequesterIsRejected() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "admission-requester");
    String asBob =
        RolloutManifests.command(namespace, "abort-by-bob", NAME, "abort", "not mine", "dev-bob");
    String asAlice = RolloutManifests.command(namespace, "abort-as-alice", NAME, "abort", "x");

    Kubectl.Result alice = env.kubectl.runAs("oncall-alice", asBob, "apply", "-f", "-");
    Kubectl.Result admin = env.kubectl.runAs("admin", asAlice, "apply", "-f", "-");

    assertThat(alice.exitCode()).isNotZero();
    assertThat(alice.output())
        .contains("rearguard-command-requester")
        .contains("spec.requestedBy must be the user who creates the command, oncall-alice")
        .contains("'dev-bob'");
    assertThat(admin.exitCode()).isNotZero();
    assertThat(admin.output())
        .contains("spec.requestedBy must be the user who creates the command, admin");
    assertThat(env.command(namespace, "abort-by-bob")).isNull();
    assertThat(env.command(namespace, "abort-as-alice")).isNull();
  }

  @Test
  void blankReasonIsRejected() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "admission-reason");
    String blank = RolloutManifests.command(namespace, "pause-blank", NAME, "pause", "   ");

    Kubectl.Result result = env.kubectl.runAs("oncall-alice", blank, "apply", "-f", "-");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("spec.reason must say why the command is issued");
  }

  @Test
  void replayedCommandChangesNothing() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "admission-replay");
    String canary = deployPausedCanary(namespace);
    env.kubectl.apply(
        RolloutManifests.command(namespace, "abort-v2", NAME, "abort", "latency alarm"));
    Rollout aborted =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 aborted and rolled back",
            r ->
                r.getStatus().phase == RolloutPhase.Aborted
                    && r.getStatus().abort.rollbackSeconds != null);
    Rollout before = RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    long recordsBefore = before.getStatus().history.lastSequence;

    String reapplied =
        env.kubectl.apply(
            RolloutManifests.command(namespace, "abort-v2", NAME, "abort", "latency alarm"));
    env.kubectl.apply(
        RolloutManifests.command(namespace, "abort-v2-copy", NAME, "abort", "latency alarm"));
    env.kubectl.apply(RolloutManifests.command(namespace, "pause-v2", NAME, "pause", "hold v2"));
    RolloutCommandStatus copy = awaitResult(namespace, "abort-v2-copy");
    RolloutCommandStatus paused = awaitResult(namespace, "pause-v2");
    Rollout after = RecordFixtures.awaitRecordsStored(env, namespace, NAME);

    assertThat(reapplied).contains("unchanged");
    assertThat(copy.phase).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(copy.message).contains("duplicate of command abort-v2");
    assertThat(paused.phase).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(after.getStatus().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(after.getStatus().abort.actor).isEqualTo("command/abort-v2 by oncall-alice");
    assertThat(after.getStatus().abort.time).isEqualTo(aborted.getStatus().abort.time);
    assertThat(after.getStatus().stableRevision).isEqualTo(before.getStatus().stableRevision);
    assertThat(after.getStatus().canaryRevision).isEqualTo(canary);
    List<RolloutRecord> added =
        RecordFixtures.records(env.client, namespace, NAME).stream()
            .filter(r -> r.getSpec().sequence > recordsBefore)
            .toList();
    assertThat(added)
        .as("only the two rejections are recorded")
        .extracting(r -> r.getSpec().reason)
        .containsExactly("CommandRejected", "CommandRejected");
  }

  private RolloutCommandStatus awaitResult(String namespace, String name) {
    Awaitility.await(name + " answered")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              var command = env.command(namespace, name);
              return command != null
                  && command.getStatus() != null
                  && command.getStatus().phase != null;
            });
    return env.command(namespace, name).getStatus();
  }
}
