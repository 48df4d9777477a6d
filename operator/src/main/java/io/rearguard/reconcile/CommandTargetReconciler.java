package io.rearguard.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rejects a command whose Rollout does not exist, so that a command with a mistyped target gets a
 * visible result instead of no status at all. Commands for an existing Rollout are left to the
 * Rollout's controller.
 */
@ControllerConfiguration(name = CommandTargetReconciler.NAME)
public class CommandTargetReconciler implements Reconciler<RolloutCommand> {
  public static final String NAME = "command-target";

  /** Wait before rejecting, so that a Rollout and its command applied together both arrive. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(CommandTargetReconciler.class);

  private final KubernetesClient client;
  private final Clock clock;

  public CommandTargetReconciler(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public UpdateControl<RolloutCommand> reconcile(
      RolloutCommand command, Context<RolloutCommand> context) {
    if (command.getStatus() != null || command.getSpec() == null) {
      return UpdateControl.noUpdate();
    }
    String namespace = command.getMetadata().getNamespace();
    String target = command.getSpec().rollout;
    if (target != null
        && !target.isEmpty()
        && client.resources(Rollout.class).inNamespace(namespace).withName(target).get() != null) {
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    Duration age = age(command, now);
    if (age.compareTo(GRACE) < 0) {
      return UpdateControl.<RolloutCommand>noUpdate().rescheduleAfter(GRACE.minus(age));
    }
    RolloutCommandStatus status = new RolloutCommandStatus();
    status.phase = RolloutCommandStatus.Phase.Rejected;
    status.message =
        "Rollout "
            + target
            + " not found in namespace "
            + namespace
            + "; nothing was done. Check spec.rollout and apply a new command.";
    status.processedTime = now.toString();
    client
        .resources(RolloutCommand.class)
        .inNamespace(namespace)
        .withName(command.getMetadata().getName())
        .editStatus(
            current -> {
              if (current.getStatus() == null) {
                current.setStatus(status);
              }
              return current;
            });
    LOG.info(
        "rejected command {}/{}: Rollout {} not found",
        namespace,
        command.getMetadata().getName(),
        target);
    return UpdateControl.noUpdate();
  }

  private static Duration age(RolloutCommand command, Instant now) {
    String created = command.getMetadata().getCreationTimestamp();
    if (created == null) {
      return GRACE;
    }
    Duration age = Duration.between(Instant.parse(created), now);
    return age.isNegative() ? Duration.ZERO : age;
  }
}
