package io.rearguard.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CommandTargetReconcilerTest {
  KubernetesClient client;

  private MutableClock clock = new MutableClock();

  private RolloutCommand created(String target) {
    RolloutCommand command = new RolloutCommand();
    command.setMetadata(
        new ObjectMetaBuilder()
            .withName("abort-1")
            .withNamespace(Rollouts.NAMESPACE)
            .withCreationTimestamp(MutableClock.START.toString())
            .build());
    command.setSpec(new RolloutCommandSpec());
    command.getSpec().rollout = target;
    command.getSpec().action = RolloutCommandSpec.Action.ABORT;
    command.getSpec().reason = "5xx alarm";
    command.getSpec().requestedBy = "oncall-alice";
    RolloutCommand stored = client.resource(command).create();
    // The server may set its own creation time; the clock starts from the stored one.
    clock = new MutableClock(Instant.parse(stored.getMetadata().getCreationTimestamp()));
    return stored;
  }

  private RolloutCommand stored() {
    return client
        .resources(RolloutCommand.class)
        .inNamespace(Rollouts.NAMESPACE)
        .withName("abort-1")
        .get();
  }

  private UpdateControl<RolloutCommand> reconcile(RolloutCommand command) {
    return new CommandTargetReconciler(client, clock).reconcile(command, null);
  }

  @Test
  void missingRolloutRejectsAfterGrace() {
    RolloutCommand command = created("chekout");
    clock.advance(CommandTargetReconciler.GRACE.plusSeconds(1));

    reconcile(command);

    RolloutCommandStatus status = stored().getStatus();
    assertThat(status.phase).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(status.message).contains("Rollout chekout not found", Rollouts.NAMESPACE);
    assertThat(status.processedTime).isEqualTo(clock.instant().toString());
  }

  @Test
  void missingRolloutWaitsDuringGrace() {
    RolloutCommand command = created("chekout");
    clock.advance(Duration.ofSeconds(2));

    UpdateControl<RolloutCommand> control = reconcile(command);

    assertThat(stored().getStatus()).isNull();
    assertThat(control.getScheduleDelay()).contains(Duration.ofSeconds(3).toMillis());
  }

  @Test
  void existingRolloutLeavesCommandToItsController() {
    Rollout rollout = Rollouts.rollout().build();
    rollout.getMetadata().setResourceVersion(null);
    client.resource(rollout).create();
    RolloutCommand command = created(Rollouts.NAME);
    clock.advance(Duration.ofMinutes(5));

    reconcile(command);

    assertThat(stored().getStatus()).isNull();
  }

  @Test
  void commandWithResultIsLeftAlone() {
    RolloutCommand command = created("chekout");
    RolloutCommandStatus accepted = new RolloutCommandStatus();
    accepted.phase = RolloutCommandStatus.Phase.Accepted;
    accepted.message = "aborted";
    command.setStatus(accepted);
    clock.advance(Duration.ofMinutes(5));

    reconcile(command);

    assertThat(stored().getStatus()).isNull();
  }
}
