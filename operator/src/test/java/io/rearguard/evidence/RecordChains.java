package io.rearguard.evidence;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds chains of records as the operator writes them, for verifier and outbox tests. */
final class RecordChains {
  static final String ROLLOUT = "checkout";
  static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

  /** The stored records and the history in the Rollout's status. */
  record Chain(List<RolloutRecord> records, RecordHistory history) {
    RolloutRecord at(long sequence) {
      return records.stream()
          .filter(r -> r.getSpec().sequence == sequence)
          .findFirst()
          .orElseThrow();
    }

    void remove(long sequence) {
      records.remove(at(sequence));
    }
  }

  private RecordChains() {}

  /** Returns a record spec as the factory would build it, not yet chained. */
  static RolloutRecordSpec unchained(String reason, Instant time) {
    RolloutRecordSpec spec = new RolloutRecordSpec();
    spec.rollout = ROLLOUT;
    spec.rolloutUid = "uid-1";
    spec.time = time.toString();
    spec.actor = "operator";
    spec.reason = reason;
    spec.message = reason + " at " + time;
    return spec;
  }

  /** Returns a chain of {@code count} stored records with nothing pending. */
  static Chain stored(int count) {
    RecordHistory history = new RecordHistory();
    List<RolloutRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RecordOutbox.append(history, unchained("StepCompleted", START.plusSeconds(60L * i)));
      records.add(resource(history.pending.remove(0)));
    }
    return new Chain(records, history);
  }

  /** Wraps a spec into the resource the operator creates. */
  static RolloutRecord resource(RolloutRecordSpec spec) {
    return resource(RolloutRecord.name(spec.rollout, spec.sequence), spec);
  }

  static RolloutRecord resource(String name, RolloutRecordSpec spec) {
    RolloutRecord record = new RolloutRecord();
    record.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("shop")
            .withLabels(Map.of(RolloutRecord.ROLLOUT_LABEL, spec.rollout))
            .build());
    record.setSpec(RecordHashing.copy(spec));
    return record;
  }
}
