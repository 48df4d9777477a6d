package io.rearguard.simulator;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Traffic split of one rollout: the weight of each of its revisions.
 *
 * @param rollout rollout the split belongs to
 * @param revisions every known revision of the rollout, sorted by revision hash. Revisions without
 *     ready replicas are listed with weight 0
 */
public record TrafficSplit(RolloutId rollout, List<RevisionWeight> revisions) {

  public TrafficSplit {
    Objects.requireNonNull(rollout, "rollout");
    revisions = List.copyOf(revisions);
  }

  /** Returns the sum of ready replicas over all revisions. */
  public int totalReadyReplicas() {
    return revisions.stream().mapToInt(RevisionWeight::readyReplicas).sum();
  }

  /** Returns whether any revision receives requests, which needs at least one ready replica. */
  public boolean hasTraffic() {
    return revisions.stream().anyMatch(revision -> revision.weight() > 0);
  }

  /**
   * Picks the revision that serves one request.
   *
   * @param uniform a value drawn uniformly from [0, 1)
   * @return the revision whose cumulative weight interval contains {@code uniform}
   * @throws IllegalStateException if no revision has a positive weight
   */
  public RevisionWeight pick(double uniform) {
    RevisionWeight lastWithTraffic = null;
    double cumulative = 0;
    for (RevisionWeight revision : revisions) {
      if (revision.weight() <= 0) {
        continue;
      }
      cumulative += revision.weight();
      lastWithTraffic = revision;
      if (uniform < cumulative) {
        return revision;
      }
    }
    if (lastWithTraffic == null) {
      throw new IllegalStateException("rollout " + rollout + " has no ready replicas");
    }
    // The weights may sum to slightly less than 1 after rounding, so the remainder goes here.
    return lastWithTraffic;
  }

  /**
   * Formats the split for logs, for example {@code abc123=66.7% (2 ready), def456=33.3% (1 ready)}.
   */
  public String describe() {
    if (revisions.isEmpty()) {
      return "no revisions";
    }
    return revisions.stream()
        .map(
            revision ->
                String.format(
                    Locale.ROOT,
                    "%s=%.1f%% (%d ready)",
                    revision.revision(),
                    revision.weight() * 100,
                    revision.readyReplicas()))
        .collect(Collectors.joining(", "));
  }
}
