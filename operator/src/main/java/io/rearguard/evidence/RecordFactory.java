package io.rearguard.evidence;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.RecordRevision;
import io.rearguard.api.RecordState;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Observation;
import io.rearguard.decide.SpecValidator;
import io.rearguard.decide.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Builds the records of one decision's transitions from the status before and after it. The records
 * are not yet chained: {@link RecordOutbox} numbers and hashes them.
 */
public final class RecordFactory {
  private RecordFactory() {}

  /**
   * Returns one unchained record per transition, in order.
   *
   * @param before the stored status the decision started from, null for a new Rollout
   * @param after the decided status
   * @param replicaSets the Rollout's ReplicaSets, for the image references of older revisions
   */
  public static List<RolloutRecordSpec> build(
      Rollout rollout,
      RolloutStatus before,
      RolloutStatus after,
      List<Transition> transitions,
      Observation observation,
      Collection<ReplicaSet> replicaSets,
      Instant now) {
    List<RolloutRecordSpec> records = new ArrayList<>();
    for (Transition transition : transitions) {
      RolloutRecordSpec record = new RolloutRecordSpec();
      record.rollout = rollout.getMetadata().getName();
      record.rolloutUid = rollout.getMetadata().getUid();
      record.time = now.toString();
      record.from = state(before);
      record.to = state(after);
      record.stable = revision(rollout, after.stableRevision, observation, replicaSets);
      String canary = after.canaryRevision;
      if (canary == null && before != null) {
        canary = before.canaryRevision;
      }
      record.canary = revision(rollout, canary, observation, replicaSets);
      record.actor = transition.actor();
      record.reason = transition.reason();
      record.message = transition.message();
      record.evidence =
          EvidenceCollector.collect(rollout.getSpec(), before, after, transition, observation);
      records.add(record);
    }
    return records;
  }

  private static RecordState state(RolloutStatus status) {
    RecordState state = new RecordState();
    if (status != null) {
      state.phase = status.phase == null ? null : status.phase.name();
      state.step = status.step;
      state.canaryWeight = status.canaryWeight;
    }
    return state;
  }

  private static RecordRevision revision(
      Rollout rollout,
      String revision,
      Observation observation,
      Collection<ReplicaSet> replicaSets) {
    if (revision == null) {
      return null;
    }
    RecordRevision result = new RecordRevision();
    result.revision = revision;
    PodTemplateSpec template =
        revision.equals(observation.desiredRevision())
            ? rollout.getSpec().template
            : templateOf(rollout, revision, replicaSets);
    List<String> images = images(template);
    result.images = images.isEmpty() ? null : images;
    return result;
  }

  private static PodTemplateSpec templateOf(
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

  /** Returns the images of a pod template, init containers first. */
  static List<String> images(PodTemplateSpec template) {
    List<String> images = new ArrayList<>();
    if (template == null || template.getSpec() == null) {
      return images;
    }
    PodSpec pod = template.getSpec();
    for (List<Container> containers : List.of(initContainers(pod), containers(pod))) {
      for (Container container : containers) {
        if (container.getImage() != null) {
          images.add(container.getImage());
        }
      }
    }
    return images;
  }

  private static List<Container> initContainers(PodSpec pod) {
    return pod.getInitContainers() == null ? List.of() : pod.getInitContainers();
  }

  private static List<Container> containers(PodSpec pod) {
    return pod.getContainers() == null ? List.of() : pod.getContainers();
  }
}
