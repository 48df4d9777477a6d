package io.rearguard.evidence;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.RecordRevision;
import io.rearguard.api.RecordState;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Observation;
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
    Provenance.fill(result, rollout, revision, observation.desiredRevision(), replicaSets);
    return result;
  }
}
