package io.rearguard.decide;

import io.rearguard.api.RolloutStatus;
import java.time.Duration;
import java.util.List;

/**
 * Result of one decision: the next status, the actions that bring the cluster towards it, the
 * transitions to report and when to look again.
 */
public record Decision(
    RolloutStatus status,
    List<Action> actions,
    List<Transition> transitions,
    Duration requeueAfter) {

  public Decision {
    actions = List.copyOf(actions);
    transitions = List.copyOf(transitions);
  }
}
