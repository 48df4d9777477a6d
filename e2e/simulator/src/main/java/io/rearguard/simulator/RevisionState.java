package io.rearguard.simulator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Observed state of one revision of a rollout, read from the revision's ReplicaSet.
 *
 * @param rollout rollout the revision belongs to
 * @param revision value of the {@code rearguard.io/revision} label (the revision hash)
 * @param image first container image of the pod template, or an empty string if there is none
 * @param readyReplicas {@code status.readyReplicas} of the ReplicaSet, 0 when unset
 */
public record RevisionState(RolloutId rollout, String revision, String image, int readyReplicas) {

  /** Label that names the rollout a ReplicaSet or pod belongs to. */
  public static final String ROLLOUT_LABEL = "rearguard.io/rollout";

  /** Label that carries the revision hash of a ReplicaSet or pod. */
  public static final String REVISION_LABEL = "rearguard.io/revision";

  public RevisionState {
    Objects.requireNonNull(rollout, "rollout");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(image, "image");
    if (readyReplicas < 0) {
      throw new IllegalArgumentException("readyReplicas must not be negative: " + readyReplicas);
    }
  }

  /**
   * Reads the revision state from a ReplicaSet.
   *
   * @return the state, or empty if the ReplicaSet lacks the rollout or revision label
   */
  public static Optional<RevisionState> fromReplicaSet(ReplicaSet replicaSet) {
    Map<String, String> labels = replicaSet.getMetadata().getLabels();
    if (labels == null) {
      return Optional.empty();
    }
    String rolloutName = labels.get(ROLLOUT_LABEL);
    String revision = labels.get(REVISION_LABEL);
    if (rolloutName == null || revision == null) {
      return Optional.empty();
    }
    RolloutId rollout = new RolloutId(replicaSet.getMetadata().getNamespace(), rolloutName);
    return Optional.of(
        new RevisionState(rollout, revision, firstImage(replicaSet), readyReplicas(replicaSet)));
  }

  private static String firstImage(ReplicaSet replicaSet) {
    if (replicaSet.getSpec() == null) {
      return "";
    }
    PodTemplateSpec template = replicaSet.getSpec().getTemplate();
    if (template == null || template.getSpec() == null) {
      return "";
    }
    List<Container> containers = template.getSpec().getContainers();
    if (containers == null || containers.isEmpty() || containers.get(0).getImage() == null) {
      return "";
    }
    return containers.get(0).getImage();
  }

  private static int readyReplicas(ReplicaSet replicaSet) {
    if (replicaSet.getStatus() == null || replicaSet.getStatus().getReadyReplicas() == null) {
      return 0;
    }
    return replicaSet.getStatus().getReadyReplicas();
  }
}
