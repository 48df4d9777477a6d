package io.rearguard.simulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes traffic splits from the ready replicas of each revision.
 *
 * <p>The weight of a revision is its ready replicas divided by the ready replicas of all revisions
 * of the same rollout, so a revision with no ready replica receives nothing. This class has no
 * state and does no I/O.
 */
public final class SplitCalculator {

  private SplitCalculator() {}

  /**
   * Computes one split per rollout.
   *
   * <p>Several states with the same rollout and revision (for example two ReplicaSets carrying the
   * same revision label) are merged: their ready replicas add up and the first non-empty image is
   * kept.
   *
   * @return splits sorted by namespace and rollout name, each listing its revisions by hash
   */
  public static List<TrafficSplit> compute(Collection<RevisionState> states) {
    Map<RolloutId, Map<String, RevisionState>> byRollout = new TreeMap<>();
    for (RevisionState state : states) {
      byRollout
          .computeIfAbsent(state.rollout(), rollout -> new TreeMap<>())
          .merge(state.revision(), state, SplitCalculator::merge);
    }

    List<TrafficSplit> splits = new ArrayList<>(byRollout.size());
    for (Map.Entry<RolloutId, Map<String, RevisionState>> entry : byRollout.entrySet()) {
      splits.add(split(entry.getKey(), entry.getValue().values()));
    }
    return List.copyOf(splits);
  }

  /** Groups splits by rollout, keeping their order. */
  public static Map<RolloutId, TrafficSplit> byRollout(List<TrafficSplit> splits) {
    Map<RolloutId, TrafficSplit> result = new LinkedHashMap<>();
    splits.stream()
        .sorted(Comparator.comparing(TrafficSplit::rollout))
        .forEach(split -> result.put(split.rollout(), split));
    return result;
  }

  private static TrafficSplit split(RolloutId rollout, Collection<RevisionState> revisions) {
    int totalReady = revisions.stream().mapToInt(RevisionState::readyReplicas).sum();
    List<RevisionWeight> weights = new ArrayList<>(revisions.size());
    for (RevisionState revision : revisions) {
      double weight = totalReady == 0 ? 0 : (double) revision.readyReplicas() / totalReady;
      weights.add(
          new RevisionWeight(
              revision.revision(), revision.image(), revision.readyReplicas(), weight));
    }
    return new TrafficSplit(rollout, weights);
  }

  private static RevisionState merge(RevisionState first, RevisionState second) {
    String image = first.image().isEmpty() ? second.image() : first.image();
    return new RevisionState(
        first.rollout(), first.revision(), image, first.readyReplicas() + second.readyReplicas());
  }
}
