package io.rearguard.simulator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Thread-safe store of the fault rules set through the control endpoint.
 *
 * <p>At most one rule exists per target. When both a revision rule and an image rule match a
 * revision, the revision rule applies, because it is the more specific selector.
 */
public final class FaultRegistry {

  private final Map<FaultTarget, FaultRule> rules = new ConcurrentHashMap<>();

  /** Stores a rule, replacing any earlier rule with the same target. */
  public void put(FaultRule rule) {
    rules.put(rule.target(), rule);
  }

  /**
   * Removes all rules.
   *
   * @return the number of rules removed
   */
  public int clear() {
    int removed = 0;
    for (FaultTarget target : List.copyOf(rules.keySet())) {
      if (rules.remove(target) != null) {
        removed++;
      }
    }
    return removed;
  }

  /** Returns all rules, revision rules first, each group sorted by target value. */
  public List<FaultRule> list() {
    return rules.values().stream()
        .sorted(
            (left, right) -> {
              int byKind = left.target().kind().compareTo(right.target().kind());
              return byKind != 0 ? byKind : left.target().value().compareTo(right.target().value());
            })
        .toList();
  }

  /** Returns the fault settings that apply to a revision, or {@link FaultSettings#NONE}. */
  public FaultSettings settingsFor(String revision, String image) {
    if (!revision.isBlank()) {
      FaultRule byRevision = rules.get(FaultTarget.revision(revision));
      if (byRevision != null) {
        return byRevision.settings();
      }
    }
    if (!image.isBlank()) {
      FaultRule byImage = rules.get(FaultTarget.image(image));
      if (byImage != null) {
        return byImage.settings();
      }
    }
    return FaultSettings.NONE;
  }
}
