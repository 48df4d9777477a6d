package io.rearguard.observe;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.Rollout;
import io.rearguard.decide.SpecValidator;
import java.util.Collection;

/** Finds the pod template of a Rollout's revision among its ReplicaSets. */
public final class RevisionTemplates {
  private RevisionTemplates() {}

  /**
   * Returns the pod template of the ReplicaSet that the Rollout owns for a revision, or null when
   * there is none.
   */
  public static PodTemplateSpec ofReplicaSet(
      Rollout rollout, String revision, Collection<ReplicaSet> replicaSets) {
    String uid = rollout.getMetadata().getUid();
    for (ReplicaSet replicaSet : replicaSets) {
      var labels = replicaSet.getMetadata().getLabels();
      var owners = replicaSet.getMetadata().getOwnerReferences();
      boolean owned = owners != null && owners.stream().anyMatch(o -> o.getUid().equals(uid));
      if (owned
          && labels != null
          && revision.equals(labels.get(SpecValidator.REVISION_LABEL))
          && replicaSet.getSpec() != null) {
        return replicaSet.getSpec().getTemplate();
      }
    }
    return null;
  }
}
