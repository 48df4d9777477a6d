package io.rearguard.evidence;

import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Keeps records in a map, by name, and can be set to fail every write. */
final class FakeRecordStore implements RecordStore {
  final Map<String, RolloutRecordSpec> stored = new TreeMap<>();
  boolean failing;
  int creates;

  @Override
  public RecordHistory adopt(Rollout rollout) {
    RecordHistory history = new RecordHistory();
    for (RolloutRecordSpec spec : stored.values()) {
      if (spec.sequence > history.lastSequence) {
        history.lastSequence = spec.sequence;
        history.lastHash = spec.hash;
      }
    }
    long oldest = stored.values().stream().mapToLong(s -> s.sequence).min().orElse(1);
    history.prunedThrough = oldest > 1 ? oldest - 1 : null;
    return history;
  }

  @Override
  public boolean ensureWritten(Rollout rollout, RolloutRecordSpec record) {
    if (failing) {
      return false;
    }
    String name = RolloutRecord.name(record.rollout, record.sequence);
    RolloutRecordSpec existing = stored.get(name);
    if (existing != null) {
      return RecordHashing.sameContent(existing, record);
    }
    creates++;
    stored.put(name, RecordHashing.copy(record));
    return true;
  }

  @Override
  public void forget(Rollout rollout, RolloutRecordSpec record) {}

  @Override
  public List<Stamp> stamps(Rollout rollout) {
    List<Stamp> stamps = new ArrayList<>();
    stored.values().forEach(s -> stamps.add(new Stamp(s.sequence, Instant.parse(s.time))));
    return stamps;
  }

  @Override
  public void deleteThrough(Rollout rollout, long through) {
    stored.values().removeIf(spec -> spec.sequence <= through);
  }

  /** Returns the stored records as resources, for the verifier. */
  List<RolloutRecord> resources() {
    return stored.values().stream().map(RecordChains::resource).toList();
  }
}
