package io.rearguard.act;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.decide.Action;
import io.rearguard.observe.RevisionHasher;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a decision's actions. Each action is idempotent, so a pass that fails half way is simply
 * repeated; API faults are thrown for the framework's retry.
 */
public class Actuator {
  private static final Logger LOG = LoggerFactory.getLogger(Actuator.class);

  private final KubernetesClient client;
  private final RecordWriter records;

  public Actuator(KubernetesClient client) {
    this.client = client;
    this.records = new RecordWriter(client);
  }

  /** Returns the writer of this Rollout's RolloutRecords, which uses the same client. */
  public RecordWriter records() {
    return records;
  }

  /** Applies actions in order. */
  public void apply(Rollout rollout, List<Action> actions, Collection<RolloutCommand> commands) {
    for (Action action : actions) {
      if (action instanceof Action.ScaleRevision scale) {
        scale(rollout, scale);
      } else if (action instanceof Action.DeleteRevision delete) {
        delete(rollout, delete);
      } else if (action instanceof Action.CompleteCommand complete) {
        complete(rollout, complete, commands);
      }
    }
  }

  private void scale(Rollout rollout, Action.ScaleRevision scale) {
    String namespace = rollout.getMetadata().getNamespace();
    String name = ReplicaSets.name(rollout, scale.revision());
    var resource = client.apps().replicaSets().inNamespace(namespace).withName(name);
    ReplicaSet existing = resource.get();
    if (existing == null) {
      if (!scale.revision().equals(RevisionHasher.hash(rollout.getSpec().template))) {
        // Only the spec's current template can be recreated; an older one is gone for good.
        LOG.warn(
            "ReplicaSet {} of revision {} is missing and cannot be recreated from the current"
                + " pod template",
            name,
            scale.revision());
        return;
      }
      client.resource(ReplicaSets.build(rollout, scale.revision(), scale.replicas())).create();
      LOG.debug("created ReplicaSet {} with {} replicas", name, scale.replicas());
      return;
    }
    resource.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"replicas\":" + scale.replicas() + "}}");
    LOG.debug("scaled ReplicaSet {} to {} replicas", name, scale.replicas());
  }

  private void delete(Rollout rollout, Action.DeleteRevision delete) {
    client
        .apps()
        .replicaSets()
        .inNamespace(rollout.getMetadata().getNamespace())
        .withName(ReplicaSets.name(rollout, delete.revision()))
        .delete();
    LOG.debug("deleted ReplicaSet of old revision {}", delete.revision());
  }

  private void complete(
      Rollout rollout, Action.CompleteCommand complete, Collection<RolloutCommand> commands) {
    RolloutCommand command =
        commands.stream()
            .filter(c -> c.getMetadata().getName().equals(complete.name()))
            .findFirst()
            .orElse(null);
    if (command == null) {
      return;
    }
    RolloutCommandStatus status = new RolloutCommandStatus();
    status.phase = complete.phase();
    status.message = complete.message();
    status.processedTime = complete.time();
    status.rolloutState = complete.rolloutState();
    client
        .resources(RolloutCommand.class)
        .inNamespace(command.getMetadata().getNamespace())
        .withName(command.getMetadata().getName())
        .editStatus(
            current -> {
              current.setStatus(status);
              return current;
            });
  }
}
