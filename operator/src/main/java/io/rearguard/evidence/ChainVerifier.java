package io.rearguard.evidence;

import io.rearguard.api.RecordHistory;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks a Rollout's RolloutRecords against each other and against the chain position in the
 * Rollout's status, and reports the first record, by sequence, that was altered, removed or
 * inserted.
 *
 * <p>Read the records before the Rollout: the operator writes a record to the status before it
 * creates the RolloutRecord, so records read first are never newer than the status read after.
 */
public final class ChainVerifier {
  private ChainVerifier() {}

  /** Kind of tampering. */
  public enum Tampering {
    /** A record's content no longer matches its hash, or its hash was replaced. */
    ALTERED,
    /** A sequence is missing, or a record's previousHash does not match the record before it. */
    REMOVED,
    /** A record the operator did not write: beyond the last sequence, or a second copy. */
    INSERTED
  }

  /**
   * The first bad record.
   *
   * @param kind what was done to the chain
   * @param record name of the record, or the name the missing one would have
   * @param sequence its sequence number
   * @param message what does not match, with the hashes involved
   */
  public record Finding(Tampering kind, String record, long sequence, String message) {}

  /**
   * Outcome of a check.
   *
   * @param finding the first bad record, empty when the chain is intact
   * @param checked records whose hash and link were checked
   * @param prunedThrough records up to this sequence were deleted by retention
   * @param lastSequence the newest sequence in the Rollout's status
   * @param pending records decided but not yet stored
   */
  public record Result(
      Optional<Finding> finding, int checked, long prunedThrough, long lastSequence, int pending) {
    public boolean intact() {
      return finding.isEmpty();
    }
  }

  /**
   * Verifies the records of one Rollout.
   *
   * @param rollout the Rollout's name, used to name missing records
   * @param records the records labelled with the Rollout's name, in any order
   * @param history the chain position from the Rollout's status, or null when it has none. Without
   *     it the records are only checked against each other, from sequence 1
   */
  public static Result verify(String rollout, List<RolloutRecord> records, RecordHistory history) {
    Walk walk = new Walk(rollout, records, history);
    Optional<Finding> finding = walk.run();
    return new Result(finding, walk.checked, walk.pruned, walk.last, walk.pending.size());
  }

  /** State of one walk along the chain. */
  private static final class Walk {
    private static final String UNCHECKED = "<pruned>";

    private final String rollout;
    private final TreeMap<Long, List<RolloutRecord>> bySequence = new TreeMap<>();
    private final List<RolloutRecord> unnumbered = new ArrayList<>();
    private final Map<Long, RolloutRecordSpec> pending = new TreeMap<>();
    private final long pruned;
    private final long last;
    private final String lastHash;
    private int checked;

    /** Hash the next record's previousHash must equal, or {@link #UNCHECKED} after pruning. */
    private String expectedPrevious;

    Walk(String rollout, List<RolloutRecord> records, RecordHistory history) {
      this.rollout = rollout;
      for (RolloutRecord record : records) {
        RolloutRecordSpec spec = record.getSpec();
        if (spec == null || spec.sequence == null) {
          unnumbered.add(record);
        } else {
          bySequence.computeIfAbsent(spec.sequence, s -> new ArrayList<>()).add(record);
        }
      }
      long newest = bySequence.isEmpty() ? 0 : bySequence.lastKey();
      if (history == null) {
        pruned = 0;
        last = newest;
        lastHash = null;
      } else {
        pruned = history.prunedThrough == null ? 0 : history.prunedThrough;
        last = history.lastSequence;
        lastHash = history.lastHash;
        if (history.pending != null) {
          history.pending.forEach(spec -> pending.put(spec.sequence, spec));
        }
      }
    }

    Optional<Finding> run() {
      if (!unnumbered.isEmpty()) {
        RolloutRecord record = unnumbered.get(0);
        return found(Tampering.INSERTED, record, 0, "it has no spec or no sequence number");
      }
      Optional<Finding> prunedProblem = checkAwaitingDeletion();
      if (prunedProblem.isPresent()) {
        return prunedProblem;
      }
      expectedPrevious = pruned > 0 ? UNCHECKED : null;
      long end = Math.max(last, bySequence.isEmpty() ? 0 : bySequence.lastKey());
      for (long sequence = pruned + 1; sequence <= end; sequence++) {
        Optional<Finding> problem = checkSequence(sequence);
        if (problem.isPresent()) {
          return problem;
        }
      }
      return Optional.empty();
    }

    /** Checks the records of one sequence and moves {@link #expectedPrevious} past them. */
    private Optional<Finding> checkSequence(long sequence) {
      List<RolloutRecord> candidates = bySequence.getOrDefault(sequence, List.of());
      RolloutRecordSpec pendingCopy = pending.get(sequence);
      if (sequence > last) {
        return candidates.isEmpty()
            ? Optional.empty()
            : found(
                Tampering.INSERTED,
                candidates.get(0),
                sequence,
                "its sequence is beyond " + last + ", the newest one in the Rollout's status");
      }
      if (candidates.isEmpty()) {
        if (pendingCopy == null) {
          return Optional.of(
              new Finding(
                  Tampering.REMOVED,
                  RolloutRecord.name(rollout, sequence),
                  sequence,
                  "the record is missing, and records up to sequence "
                      + pruned
                      + " only were deleted by retention"));
        }
        expectedPrevious = pendingCopy.hash;
        return Optional.empty();
      }
      String authoritative = authoritativeHash(sequence);
      RolloutRecord chosen = choose(candidates, expectedPrevious, pendingCopy, authoritative);
      Optional<Finding> problem = check(chosen, sequence, expectedPrevious, authoritative);
      if (problem.isPresent()) {
        return problem;
      }
      for (RolloutRecord other : candidates) {
        if (other != chosen) {
          return found(
              Tampering.INSERTED,
              other,
              sequence,
              "a second record with this sequence, next to "
                  + chosen.getMetadata().getName()
                  + ", which fits the chain");
        }
      }
      checked++;
      expectedPrevious = chosen.getSpec().hash;
      return Optional.empty();
    }

    /** Records up to prunedThrough may still exist until deleted; only their hashes count. */
    private Optional<Finding> checkAwaitingDeletion() {
      for (var entry : bySequence.headMap(pruned, true).entrySet()) {
        for (RolloutRecord record : entry.getValue()) {
          if (!RecordHashing.hashMatches(record.getSpec())) {
            return found(Tampering.ALTERED, record, entry.getKey(), hashMismatch(record));
          }
        }
      }
      return Optional.empty();
    }

    /**
     * Returns the hash the operator itself recorded for a sequence: the previousHash of the next
     * pending record, or the last hash of the status. Null when the status contains neither.
     */
    private String authoritativeHash(long sequence) {
      RolloutRecordSpec next = pending.get(sequence + 1);
      if (next != null) {
        return next.previousHash;
      }
      return sequence == last ? lastHash : null;
    }

    private RolloutRecord choose(
        List<RolloutRecord> candidates,
        String expectedPrevious,
        RolloutRecordSpec pendingCopy,
        String authoritative) {
      List<RolloutRecord> fitting = new ArrayList<>();
      for (RolloutRecord candidate : candidates) {
        RolloutRecordSpec spec = candidate.getSpec();
        boolean fits =
            RecordHashing.hashMatches(spec)
                && linksTo(spec, expectedPrevious)
                && (pendingCopy == null || pendingCopy.hash.equals(spec.hash))
                && (authoritative == null || authoritative.equals(spec.hash));
        if (fits) {
          fitting.add(candidate);
        }
      }
      if (fitting.isEmpty()) {
        fitting = candidates;
      }
      String expectedName = RolloutRecord.name(rollout, candidates.get(0).getSpec().sequence);
      return fitting.stream()
          .filter(c -> c.getMetadata().getName().equals(expectedName))
          .findFirst()
          .orElse(fitting.get(0));
    }

    private Optional<Finding> check(
        RolloutRecord record, long sequence, String expectedPrevious, String authoritative) {
      RolloutRecordSpec spec = record.getSpec();
      if (!RecordHashing.hashMatches(spec)) {
        return found(Tampering.ALTERED, record, sequence, hashMismatch(record));
      }
      RolloutRecordSpec pendingCopy = pending.get(sequence);
      if (pendingCopy != null && !pendingCopy.hash.equals(spec.hash)) {
        return found(
            Tampering.INSERTED,
            record,
            sequence,
            "it differs from the operator's copy in the Rollout's status (hash "
                + pendingCopy.hash
                + "), so the operator did not write it");
      }
      if (!linksTo(spec, expectedPrevious)) {
        return found(
            Tampering.REMOVED,
            record,
            sequence,
            "its previousHash "
                + spec.previousHash
                + " does not match the hash "
                + expectedPrevious
                + " of sequence "
                + (sequence - 1)
                + ": a record before it was removed or replaced");
      }
      if (authoritative != null && !authoritative.equals(spec.hash)) {
        return found(
            Tampering.ALTERED,
            record,
            sequence,
            "its hash "
                + spec.hash
                + " differs from "
                + authoritative
                + ", the hash the Rollout's status holds for this sequence: it was replaced");
      }
      return Optional.empty();
    }

    private static boolean linksTo(RolloutRecordSpec spec, String expectedPrevious) {
      return UNCHECKED.equals(expectedPrevious)
          || Objects.equals(spec.previousHash, expectedPrevious);
    }

    private static String hashMismatch(RolloutRecord record) {
      return "its content does not match its hash (stored "
          + record.getSpec().hash
          + ", computed "
          + RecordHashing.hash(record.getSpec())
          + ")";
    }

    private static Optional<Finding> found(
        Tampering kind, RolloutRecord record, long sequence, String message) {
      return Optional.of(new Finding(kind, record.getMetadata().getName(), sequence, message));
    }
  }
}
