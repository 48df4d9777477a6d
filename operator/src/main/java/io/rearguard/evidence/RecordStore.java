package io.rearguard.evidence;

import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecordSpec;
import java.time.Instant;
import java.util.List;

/** Storage of RolloutRecords. The operator's implementation uses the API server. */
public interface RecordStore {

  /**
   * Returns the chain position of the records that already carry this Rollout's name, for a Rollout
   * without a history yet: they may be left from an earlier Rollout of the same name.
   */
  RecordHistory adopt(Rollout rollout);

  /**
   * Creates a record unless it is stored already. Returns true when the stored record has exactly
   * this content, false when it could not be created or a different record has its name. It never
   * throws for API errors.
   */
  boolean ensureWritten(Rollout rollout, RolloutRecordSpec record);

  /** Forgets that a record was confirmed, once it has left the pending list. */
  void forget(Rollout rollout, RolloutRecordSpec record);

  /** Returns the sequence and time of each stored record of the Rollout, in no order. */
  List<Stamp> stamps(Rollout rollout);

  /** Deletes the Rollout's records with a sequence up to and including {@code through}. */
  void deleteThrough(Rollout rollout, long through);

  /**
   * Sequence and time of one stored record.
   *
   * @param sequence the record's sequence number
   * @param time when the transition was decided
   */
  record Stamp(long sequence, Instant time) {}
}
