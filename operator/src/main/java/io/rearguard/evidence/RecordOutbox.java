package io.rearguard.evidence;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.StatusCopier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes one RolloutRecord per transition without loss, in three steps across passes: {@link
 * #stage} adds the new records to {@code status.history.pending}, the pass writes that status,
 * {@link #flush} creates the records, and the next {@link #stage} drops those confirmed as stored.
 * The decider stays pure: all of this happens on its output.
 */
public class RecordOutbox {
  /** Next look while confirmed records still wait to leave the pending list. */
  static final Duration CONFIRMED_RECHECK = Duration.ofSeconds(1);

  /** Next look while a pending record could not be stored. */
  static final Duration FAILED_RETRY = Duration.ofSeconds(10);

  /** How often the ages of stored records are listed for the age limit, per Rollout. */
  static final Duration AGE_CHECK_INTERVAL = Duration.ofHours(1);

  private final RecordStore store;
  private final RecordRetention retention;
  private final Clock clock;
  private final Map<String, Instant> lastAgeCheck = new ConcurrentHashMap<>();

  public RecordOutbox(RecordStore store, RecordRetention retention, Clock clock) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Returns the status to write: the decided status with its record history advanced by one chained
   * record per transition, confirmed records dropped and the retention limit applied.
   */
  public RolloutStatus stage(
      Rollout rollout,
      Decision decision,
      Observation observation,
      Collection<ReplicaSet> replicaSets) {
    RolloutStatus before = rollout.getStatus();
    RolloutStatus next = StatusCopier.copy(decision.status());
    RecordHistory history = next.history == null ? store.adopt(rollout) : next.history;
    if (history.pending == null) {
      history.pending = new ArrayList<>();
    }
    List<RolloutRecordSpec> confirmed = new ArrayList<>();
    for (RolloutRecordSpec record : history.pending) {
      if (store.ensureWritten(rollout, record)) {
        confirmed.add(record);
      }
    }
    history.pending.removeAll(confirmed);
    Instant now = clock.instant();
    List<RolloutRecordSpec> records =
        RecordFactory.build(
            rollout, before, next, decision.transitions(), observation, replicaSets, now);
    // NOTE: the pending list has no size limit. While the API server rejects every record, it
    // grows by one entry per transition and makes the Rollout's status larger.
    for (RolloutRecordSpec record : records) {
      append(history, record);
    }
    history.prunedThrough = prunedThrough(rollout, history, now);
    next.history = history;
    confirmed.forEach(record -> store.forget(rollout, record));
    return next;
  }

  /** Numbers, links and hashes a record and adds it to the pending list. */
  public static void append(RecordHistory history, RolloutRecordSpec record) {
    record.sequence = history.lastSequence + 1;
    record.previousHash = history.lastHash;
    record.hash = RecordHashing.hash(record);
    history.pending.add(record);
    history.lastSequence = record.sequence;
    history.lastHash = record.hash;
  }

  private Long prunedThrough(Rollout rollout, RecordHistory history, Instant now) {
    String key = rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
    Instant checked = lastAgeCheck.get(key);
    List<RecordStore.Stamp> stamps = null;
    if (history.lastSequence > 1
        && (checked == null || !now.isBefore(checked.plus(AGE_CHECK_INTERVAL)))) {
      stamps = store.stamps(rollout);
      lastAgeCheck.put(key, now);
    }
    long through = retention.pruneThrough(history, stamps, now);
    if (through <= 0) {
      return history.prunedThrough;
    }
    return through;
  }

  /**
   * Creates the pending records of a stored status and deletes the records that retention pruned.
   * Failures are logged by the store and retried on a later pass, since the records stay in the
   * status.
   *
   * @return whether every pending record is now stored
   */
  public boolean flush(Rollout stored) {
    RecordHistory history = stored.getStatus() == null ? null : stored.getStatus().history;
    if (history == null) {
      return true;
    }
    boolean all = true;
    for (RolloutRecordSpec record : history.pending) {
      all &= store.ensureWritten(stored, record);
    }
    if (history.prunedThrough != null) {
      store.deleteThrough(stored, history.prunedThrough);
    }
    return all;
  }

  /** Returns when to look again: soon while records wait in the pending list. */
  public static Duration requeue(Duration requested, RolloutStatus stored, boolean allWritten) {
    if (stored == null || stored.history == null || stored.history.pending.isEmpty()) {
      return requested;
    }
    Duration soon = allWritten ? CONFIRMED_RECHECK : FAILED_RETRY;
    return requested.compareTo(soon) < 0 ? requested : soon;
  }
}
