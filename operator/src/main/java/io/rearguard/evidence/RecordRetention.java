package io.rearguard.evidence;

import io.rearguard.api.RecordHistory;
import io.rearguard.api.RolloutRecordSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * How many records of a Rollout are kept, and for how long. The newest record is always kept, so
 * the chain has an anchor, and a record still pending is never deleted.
 *
 * @param maxCount records kept per Rollout (REARGUARD_RECORD_RETENTION_COUNT, default 1000)
 * @param maxAge age after which a record is deleted (REARGUARD_RECORD_RETENTION_DAYS, default 90)
 */
public record RecordRetention(int maxCount, Duration maxAge) {
  /** Retention when nothing is configured. */
  public static final RecordRetention DEFAULT = new RecordRetention(1000, Duration.ofDays(90));

  public RecordRetention {
    if (maxCount < 1) {
      throw new IllegalArgumentException("maxCount must be at least 1, got " + maxCount);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
    }
  }

  /** Reads the limits from environment variables, rejecting malformed values. */
  public static RecordRetention fromEnvironment(Map<String, String> env) {
    int count = positive(env, "REARGUARD_RECORD_RETENTION_COUNT", DEFAULT.maxCount());
    int days = positive(env, "REARGUARD_RECORD_RETENTION_DAYS", (int) DEFAULT.maxAge().toDays());
    return new RecordRetention(count, Duration.ofDays(days));
  }

  /**
   * Returns the highest sequence that may be deleted, never lower than the one already pruned.
   *
   * @param stamps sequence and time of the stored records, or null when they were not listed (then
   *     only the count limit applies)
   */
  public long pruneThrough(
      RecordHistory history, Collection<RecordStore.Stamp> stamps, Instant now) {
    long pruned = history.prunedThrough == null ? 0 : history.prunedThrough;
    long through = history.lastSequence - maxCount;
    if (stamps != null) {
      Instant cutoff = now.minus(maxAge);
      for (RecordStore.Stamp stamp : stamps) {
        if (stamp.time() != null && stamp.time().isBefore(cutoff)) {
          through = Math.max(through, stamp.sequence());
        }
      }
    }
    through = Math.min(through, history.lastSequence - 1);
    for (RolloutRecordSpec record : history.pending) {
      through = Math.min(through, record.sequence - 1);
    }
    return Math.max(through, pruned);
  }

  private static int positive(Map<String, String> env, String name, int fallback) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + text + "'", e);
    }
  }
}
