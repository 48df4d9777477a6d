package io.rearguard.explore;

import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Action;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Observation.PendingCommand;
import io.rearguard.decide.RolloutDecider;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Rules about one decision that need the decider to be called again. */
final class DecisionChecks {
  static final String IDEMPOTENT = "deciding twice on the same input gives the same result";
  static final String EVIDENCE = "a change of phase, step, stable or canary carries a Transition";
  static final String REPLAY = "a command seen again by UID changes nothing but its result";

  private DecisionChecks() {}

  static void check(
      Edge edge, RolloutStatus pre, RolloutStatus post, List<Invariants.Violation> found) {
    Edge.Pass pass = edge.pass();
    Decision first = pass.decision();
    Decision again = RolloutDecider.decide(pass.input(), pass.observation(), pass.clock());
    String difference = difference(edge.after().statusJson(), first, again, Set.of());
    if (difference == null && !first.requeueAfter().equals(again.requeueAfter())) {
      difference = "requeue " + first.requeueAfter() + " versus " + again.requeueAfter();
    }
    if (difference != null) {
      found.add(new Invariants.Violation(IDEMPOTENT, "the second decision differs: " + difference));
    }
    checkEvidence(pre, post, first, found);
    checkReplay(edge, pre, found);
  }

  private static void checkEvidence(
      RolloutStatus pre, RolloutStatus post, Decision decision, List<Invariants.Violation> found) {
    if (pre == null || !decision.transitions().isEmpty()) {
      return;
    }
    StringBuilder changed = new StringBuilder();
    note(changed, "phase", pre.phase, post.phase);
    note(changed, "step", pre.currentStepIndex, post.currentStepIndex);
    note(changed, "stable", pre.stableRevision, post.stableRevision);
    note(changed, "canary", pre.canaryRevision, post.canaryRevision);
    if (changed.length() > 0) {
      found.add(new Invariants.Violation(EVIDENCE, changed + " with no Transition"));
    }
  }

  private static void note(StringBuilder changed, String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      changed.append(changed.length() == 0 ? "" : ", ");
      changed.append(field).append(' ').append(before).append(" -> ").append(after);
    }
  }

  /**
   * Decides once more without the commands whose UID the status already contains, and expects the
   * same status and the same actions apart from those commands' results.
   */
  private static void checkReplay(Edge edge, RolloutStatus pre, List<Invariants.Violation> found) {
    Set<String> known = Invariants.uids(pre);
    Observation observation = edge.pass().observation();
    List<PendingCommand> fresh =
        observation.commands().stream().filter(c -> !known.contains(c.uid())).toList();
    if (fresh.size() == observation.commands().size()) {
      return;
    }
    Observation without =
        new Observation(
            observation.desiredRevision(),
            observation.revisions(),
            observation.measurements(),
            fresh,
            observation.signals());
    Decision baseline = RolloutDecider.decide(edge.pass().input(), without, edge.pass().clock());
    Set<String> replayed =
        observation.commands().stream()
            .filter(c -> known.contains(c.uid()))
            .map(PendingCommand::name)
            .collect(java.util.stream.Collectors.toSet());
    String difference =
        difference(edge.after().statusJson(), edge.pass().decision(), baseline, replayed);
    if (difference != null) {
      found.add(
          new Invariants.Violation(
              REPLAY, "commands " + replayed + " changed the decision: " + difference));
    }
  }

  /**
   * Returns how two decisions differ in status, actions or transitions, ignoring the results of the
   * named commands, or null when they do not. The left status is given as written JSON.
   */
  private static String difference(
      String leftStatus, Decision left, Decision right, Set<String> ignoredCommands) {
    String rightStatus = World.json(right.status());
    if (!leftStatus.equals(rightStatus)) {
      return "status " + leftStatus + " versus " + rightStatus;
    }
    List<Action> leftActions = withoutCommands(left.actions(), ignoredCommands);
    List<Action> rightActions = withoutCommands(right.actions(), ignoredCommands);
    if (!leftActions.equals(rightActions)) {
      return "actions " + leftActions + " versus " + rightActions;
    }
    if (!left.transitions().equals(right.transitions())) {
      return "transitions " + left.transitions() + " versus " + right.transitions();
    }
    return null;
  }

  private static List<Action> withoutCommands(List<Action> actions, Set<String> names) {
    return actions.stream()
        .filter(a -> !(a instanceof Action.CompleteCommand c && names.contains(c.name())))
        .toList();
  }
}
