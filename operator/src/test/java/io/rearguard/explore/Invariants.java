package io.rearguard.explore;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.CommandRef;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Action;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.Observation.TakenMeasurement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks one edge against the rules that must hold after every transition. The rules about a
 * decision itself (idempotence, evidence, commands, analysis gates) are checked once per pass, on
 * the edge where all actions took effect. The rules about the cluster are checked on every edge,
 * including each crash. {@link DecisionChecks} contains the rules that call the decider again.
 */
final class Invariants {
  static final String SERVING = "at most two revisions have ready pods";
  static final String WEIGHT = "canary weight within 0..100, and 0 without an active canary";
  static final String CAPACITY = "scale-downs never take ready pods below replicas";
  static final String ABORT_FLOOR =
      "stable at full replicas while aborted, before the canary shrinks";
  static final String ABORT_ACCEPTED = "an abort command is accepted while a canary is active";
  static final String GATE = "no automatic promotion past an analysis whose last outcome is bad";
  static final String COMMAND_ONCE = "a command is executed at most once";

  private final Scenario scenario;

  Invariants(Scenario scenario) {
    this.scenario = scenario;
  }

  /**
   * A broken rule.
   *
   * @param invariant the rule, one of the constants of this class or of {@link DecisionChecks}
   * @param detail what was seen
   */
  record Violation(String invariant, String detail) {}

  /** Returns the rules that the edge breaks. */
  List<Violation> check(Edge edge) {
    List<Violation> found = new ArrayList<>();
    checkServing(edge.after(), found);
    if (edge.pass() == null) {
      return found;
    }
    RolloutStatus pre = edge.pass().input().getStatus();
    RolloutStatus post = edge.pass().decision().status();
    checkWeight(post, found);
    checkCapacity(edge, found);
    checkAbortFloor(edge, post, found);
    if (!edge.pass().crashed()) {
      checkAbortAccepted(edge, pre, found);
      checkAnalysisGate(edge, pre, post, found);
      checkCommandOnce(edge, pre, post, found);
      DecisionChecks.check(edge, pre, post, found);
    }
    return found;
  }

  private static void checkServing(World world, List<Violation> found) {
    List<String> serving = new ArrayList<>();
    world
        .replicaSets()
        .forEach(
            (revision, rs) -> {
              if (rs.readyReplicas() > 0) {
                serving.add(revision);
              }
            });
    if (serving.size() > 2) {
      found.add(new Violation(SERVING, "revisions with ready pods: " + serving));
    }
  }

  private static void checkWeight(RolloutStatus post, List<Violation> found) {
    Integer weight = post.canaryWeight;
    if (weight == null || weight < 0 || weight > 100) {
      found.add(new Violation(WEIGHT, "canaryWeight " + weight + ", stable gets the rest"));
      return;
    }
    boolean active = post.canaryRevision != null && post.abort == null;
    if (!active && weight != 0) {
      found.add(new Violation(WEIGHT, "canaryWeight " + weight + " without an active canary"));
    }
  }

  private void checkCapacity(Edge edge, List<Violation> found) {
    int floor = Math.min(scenario.replicas(), edge.before().totalReady());
    if (edge.after().totalReady() < floor) {
      found.add(
          new Violation(
              CAPACITY,
              "ready pods went from "
                  + edge.before().totalReady()
                  + " to "
                  + edge.after().totalReady()
                  + " with replicas "
                  + scenario.replicas()));
    }
  }

  private void checkAbortFloor(Edge edge, RolloutStatus post, List<Violation> found) {
    if (post.abort == null) {
      return;
    }
    int replicas = scenario.replicas();
    String stable = post.stableRevision;
    for (Action action : edge.pass().decision().actions()) {
      if (action instanceof Action.ScaleRevision scale
          && scale.revision().equals(stable)
          && scale.replicas() < replicas) {
        found.add(
            new Violation(ABORT_FLOOR, "stable " + stable + " scaled to " + scale.replicas()));
      }
    }
    String canary = post.abort.revision;
    boolean canaryShrank =
        edge.after().specReplicas(canary) < edge.before().specReplicas(canary)
            || !edge.after().replicaSets().containsKey(canary)
                && edge.before().replicaSets().containsKey(canary);
    if (canaryShrank && edge.after().specReplicas(stable) < replicas) {
      found.add(
          new Violation(
              ABORT_FLOOR,
              "aborted canary "
                  + canary
                  + " went from "
                  + edge.before().specReplicas(canary)
                  + " to "
                  + edge.after().specReplicas(canary)
                  + " pods while stable "
                  + stable
                  + " requests "
                  + edge.after().specReplicas(stable)
                  + " of "
                  + replicas));
    }
  }

  private static void checkAbortAccepted(Edge edge, RolloutStatus pre, List<Violation> found) {
    var command = edge.pass().command();
    if (edge.kind() != Edge.Kind.COMMAND
        || command.action() != RolloutCommandSpec.Action.ABORT
        || pre == null
        || pre.canaryRevision == null
        || pre.abort != null) {
      return;
    }
    Optional<Action.CompleteCommand> result = completion(edge, command.name());
    if (result.isEmpty() || result.get().phase() != RolloutCommandStatus.Phase.Accepted) {
      found.add(
          new Violation(
              ABORT_ACCEPTED,
              command.name()
                  + " got "
                  + result.map(r -> r.phase() + ": " + r.message()).orElse("no result")));
    } else if (edge.pass().decision().status().abort == null) {
      found.add(new Violation(ABORT_ACCEPTED, command.name() + " accepted but status.abort unset"));
    }
  }

  private void checkAnalysisGate(
      Edge edge, RolloutStatus pre, RolloutStatus post, List<Violation> found) {
    if (pre == null || pre.canaryRevision == null || pre.abort != null) {
      return;
    }
    boolean promoted = pre.canaryRevision.equals(post.stableRevision);
    boolean sameCanary = pre.canaryRevision.equals(post.canaryRevision) && post.abort == null;
    if (!promoted && !sameCanary || promotedByCommand(edge, pre)) {
      return;
    }
    List<CanaryStep> steps = scenario.spec().strategy.canary.steps;
    int to = promoted ? steps.size() : post.currentStepIndex;
    for (int index = pre.currentStepIndex; index < Math.min(to, steps.size()); index++) {
      AnalysisSpec analysis = steps.get(index).analysis;
      for (MetricSpec metric : analysis == null ? List.<MetricSpec>of() : analysis.metrics) {
        TakenMeasurement last = last(edge, pre, AnalysisSchedule.STEP, index, metric.name);
        if (last == null || last.measurement().outcome != MeasurementOutcome.Successful) {
          found.add(
              new Violation(
                  GATE,
                  "step "
                      + index
                      + " completed by the operator while metric "
                      + metric.name
                      + " last measured "
                      + (last == null ? "nothing" : last.measurement().outcome)));
        }
      }
    }
    AnalysisSpec background = scenario.spec().strategy.canary.analysis;
    if (!promoted || background == null || Boolean.TRUE.equals(pre.fastRollback)) {
      return;
    }
    for (MetricSpec metric : background.metrics) {
      TakenMeasurement last = last(edge, pre, AnalysisSchedule.BACKGROUND, null, metric.name);
      if (last != null
          && last.measurement().outcome != MeasurementOutcome.Successful
          && !promoteAcceptedSince(post, Instant.parse(last.measurement().time))) {
        found.add(
            new Violation(
                GATE,
                "canary "
                    + pre.canaryRevision
                    + " made stable by the operator while background metric "
                    + metric.name
                    + " last measured "
                    + last.measurement().outcome
                    + " at "
                    + last.measurement().time
                    + ", with no promote command accepted since"));
      }
    }
  }

  /**
   * Returns the last measurement of a run once this pass recorded its own: the pass's measurement
   * when the run still runs, otherwise the run's last stored one.
   */
  private static TakenMeasurement last(
      Edge edge, RolloutStatus pre, String scope, Integer stepIndex, String metric) {
    Optional<MetricRun> run = AnalysisSchedule.findRun(pre, scope, stepIndex, metric);
    boolean running = run.isEmpty() || AnalysisSchedule.RUNNING.equals(run.get().phase);
    for (TakenMeasurement taken : edge.pass().observation().measurements()) {
      if (running
          && taken.scope().equals(scope)
          && Objects.equals(taken.stepIndex(), stepIndex)
          && taken.metric().equals(metric)) {
        return taken;
      }
    }
    if (run.isEmpty() || run.get().measurements.isEmpty()) {
      return null;
    }
    var measurements = run.get().measurements;
    return new TakenMeasurement(
        metric, scope, stepIndex, measurements.get(measurements.size() - 1));
  }

  private static boolean promotedByCommand(Edge edge, RolloutStatus pre) {
    Set<String> known = uids(pre);
    return edge.pass().observation().commands().stream()
        .filter(command -> !known.contains(command.uid()))
        .filter(
            command ->
                command.action() == RolloutCommandSpec.Action.PROMOTE
                    || command.action() == RolloutCommandSpec.Action.PROMOTE_FULL)
        .anyMatch(
            command ->
                completion(edge, command.name())
                    .map(c -> c.phase() == RolloutCommandStatus.Phase.Accepted)
                    .orElse(false));
  }

  private static boolean promoteAcceptedSince(RolloutStatus post, Instant time) {
    for (CommandRef ref : post.recentCommands) {
      boolean promote = "promote".equals(ref.action) || "promote-full".equals(ref.action);
      boolean accepted = RolloutCommandStatus.Phase.Accepted.name().equals(ref.result);
      if (promote && accepted && !Instant.parse(ref.time).isBefore(time)) {
        return true;
      }
    }
    return false;
  }

  private void checkCommandOnce(
      Edge edge, RolloutStatus pre, RolloutStatus post, List<Violation> found) {
    Set<String> seen = new HashSet<>();
    for (CommandRef ref : post.recentCommands) {
      if (!seen.add(ref.uid)) {
        found.add(new Violation(COMMAND_ONCE, "recentCommands contains UID " + ref.uid + " twice"));
      }
    }
    var command = edge.pass().command();
    if (edge.kind() != Edge.Kind.COPY || pre == null) {
      return;
    }
    Instant now = edge.pass().clock().instant();
    boolean acceptedCopy =
        pre.recentCommands.stream()
            .filter(ref -> command.fingerprint().equals(ref.fingerprint))
            .filter(ref -> RolloutCommandStatus.Phase.Accepted.name().equals(ref.result))
            .anyMatch(ref -> Instant.parse(ref.time).plus(Scenario.COMMAND_TTL).isAfter(now));
    Optional<Action.CompleteCommand> result = completion(edge, command.name());
    if (acceptedCopy
        && result.map(r -> r.phase() != RolloutCommandStatus.Phase.Rejected).orElse(true)) {
      found.add(
          new Violation(
              COMMAND_ONCE,
              "copy "
                  + command.name()
                  + " of an accepted command got "
                  + result.map(r -> r.phase() + ": " + r.message()).orElse("no result")));
    }
  }

  static Set<String> uids(RolloutStatus status) {
    Set<String> uids = new HashSet<>();
    if (status != null) {
      status.recentCommands.forEach(ref -> uids.add(ref.uid));
    }
    return uids;
  }

  static Optional<Action.CompleteCommand> completion(Edge edge, String name) {
    return edge.pass().decision().actions().stream()
        .filter(Action.CompleteCommand.class::isInstance)
        .map(Action.CompleteCommand.class::cast)
        .filter(complete -> complete.name().equals(name))
        .findFirst();
  }
}
