package io.rearguard.decide;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sets Kubernetes conditions so that lastTransitionTime moves only on a real transition. */
final class Conditions {
  private Conditions() {}

  /** Sets a condition, keeping its lastTransitionTime unless its status flips. */
  static void set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      Instant now) {
    String statusText = status ? "True" : "False";
    Condition condition = find(conditions, type).orElse(null);
    if (condition == null) {
      condition = new Condition();
      condition.setType(type);
      conditions.add(condition);
    }
    if (!statusText.equals(condition.getStatus())) {
      condition.setLastTransitionTime(now.toString());
    }
    condition.setStatus(statusText);
    condition.setReason(reason);
    condition.setMessage(message == null ? "" : message);
    condition.setObservedGeneration(generation);
  }

  /** Returns whether a condition is present with status True. */
  static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** Returns the condition of a type. */
  static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
