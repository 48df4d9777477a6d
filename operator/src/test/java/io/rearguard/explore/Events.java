package io.rearguard.explore;

import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Action;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Observation.PendingCommand;
import io.rearguard.decide.Observation.TakenMeasurement;
import io.rearguard.decide.RolloutDecider;
import io.rearguard.testkit.Observations;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Lists the events possible in a world and applies each with the real decider.
 *
 * <p>Every event except READY moves the clock and runs one pass: the decider gets the simulated
 * ReplicaSets and the pending commands, its status is written, and then its actions take effect.
 * Each pass with actions is also explored with the operator crashing after the status write and
 * before some of the actions (see {@link #crashPoints}). The next pass then decides again from the
 * written status, and a command whose result was not written is still pending.
 *
 * <p>Only MEASURE passes take measurements; the other passes model an observer that measured
 * nothing, so a deadline can fire while metrics are due.
 */
final class Events {
  private static final String REQUESTER = "alice";

  private final Scenario scenario;

  Events(Scenario scenario) {
    this.scenario = scenario;
  }

  /**
   * Returns every edge that leaves {@code world}. Every pass gets {@code status}, the world's
   * status parsed once, so the caller can check afterwards that no decision changed it.
   */
  List<Edge> expand(World world, RolloutStatus status) {
    List<Edge> edges = new ArrayList<>();
    Instant tick = world.now().plus(Scenario.TICK);
    measure(world, status, tick, edges);
    for (RolloutCommandSpec.Action action : RolloutCommandSpec.Action.values()) {
      int number = world.commandCount() + 1;
      String name = action.wireName() + "-" + number;
      PendingCommand command =
          new PendingCommand(name, "uid-" + name, action, "reason " + number, REQUESTER, tick);
      String label = "command " + action.wireName() + " (" + name + ")";
      addPass(edges, world, status, Edge.Kind.COMMAND, label, tick, command, number);
    }
    for (String revision : Scenario.REVISIONS) {
      if (!revision.equals(world.desiredRevision())) {
        World changed =
            new World(
                world.statusJson(),
                world.replicaSets(),
                revision,
                world.generation() + 1,
                world.now(),
                world.pending(),
                world.lastCommand(),
                world.commandCount());
        String label = "template changed to " + revision;
        edges.addAll(decide(changed, status, Edge.Kind.TEMPLATE, label, tick, List.of(), null, 0));
      }
    }
    Instant late = world.now().plus(Scenario.DEADLINE).plus(Scenario.TICK);
    String deadline = "clock +" + Scenario.DEADLINE.plus(Scenario.TICK).toSeconds() + "s, pass";
    edges.addAll(decide(world, status, Edge.Kind.DEADLINE, deadline, late, List.of(), null, 0));
    ready(world, edges);
    repeatLastCommand(world, status, tick, edges);
    return edges;
  }

  /** Adds a redelivery of the last command and, when it was accepted, a copy of it. */
  private void repeatLastCommand(
      World world, RolloutStatus status, Instant tick, List<Edge> edges) {
    PendingCommand last = world.lastCommand();
    if (last == null) {
      return;
    }
    if (!world.pending().contains(last)) {
      String label = "redelivery of " + last.name() + " with its UID";
      addPass(edges, world, status, Edge.Kind.REDELIVERY, label, tick, last, -1);
    }
    if (!accepted(status, last)) {
      // A copy of a rejected command is decided as a new command, which is explored above.
      return;
    }
    int number = world.commandCount() + 1;
    String name = last.action().wireName() + "-" + number;
    PendingCommand copy =
        new PendingCommand(
            name, "uid-" + name, last.action(), last.reason(), last.requestedBy(), tick);
    String label = "copy of " + last.name() + " as " + name;
    addPass(edges, world, status, Edge.Kind.COPY, label, tick, copy, number);
  }

  private static boolean accepted(RolloutStatus status, PendingCommand command) {
    return status.recentCommands.stream()
        .anyMatch(
            ref ->
                ref.uid.equals(command.uid())
                    && RolloutCommandStatus.Phase.Accepted.name().equals(ref.result));
  }

  /** Adds the passes that measure the metrics due at {@code now}, or one pass when none is due. */
  private void measure(World world, RolloutStatus status, Instant now, List<Edge> edges) {
    List<AnalysisSchedule.DueMetric> due =
        status == null ? List.of() : AnalysisSchedule.due(scenario.spec(), status, now);
    // One metric at a time gets each outcome other than Successful while the rest succeed.
    // NOTE: passes where two metrics are not Successful together are not explored.
    List<List<MeasurementOutcome>> combinations = new ArrayList<>();
    List<MeasurementOutcome> allSuccessful =
        Collections.nCopies(due.size(), MeasurementOutcome.Successful);
    combinations.add(allSuccessful);
    for (int i = 0; i < due.size(); i++) {
      for (MeasurementOutcome outcome : MeasurementOutcome.values()) {
        if (outcome != MeasurementOutcome.Successful) {
          List<MeasurementOutcome> combination = new ArrayList<>(allSuccessful);
          combination.set(i, outcome);
          combinations.add(combination);
        }
      }
    }
    for (List<MeasurementOutcome> outcomes : combinations) {
      List<TakenMeasurement> measurements = new ArrayList<>();
      StringBuilder label = new StringBuilder("pass");
      for (int i = 0; i < due.size(); i++) {
        AnalysisSchedule.DueMetric metric = due.get(i);
        Measurement measurement = Observations.measurement(outcomes.get(i), now);
        measurements.add(
            new TakenMeasurement(
                metric.metric().name, metric.scope(), metric.stepIndex(), measurement));
        label.append(i == 0 ? " " : ", ").append(metric.metric().name).append(' ');
        label.append(outcomes.get(i));
      }
      edges.addAll(
          decide(world, status, Edge.Kind.MEASURE, label.toString(), now, measurements, null, 0));
    }
  }

  private void addPass(
      List<Edge> edges,
      World world,
      RolloutStatus status,
      Edge.Kind kind,
      String label,
      Instant now,
      PendingCommand command,
      int newCount) {
    edges.addAll(decide(world, status, kind, label, now, List.of(), command, newCount));
  }

  /** Runs one pass and returns its edges: all actions applied, then each crash. */
  private List<Edge> decide(
      World world,
      RolloutStatus status,
      Edge.Kind kind,
      String label,
      Instant now,
      List<TakenMeasurement> measurements,
      PendingCommand command,
      int newCount) {
    List<PendingCommand> commands = new ArrayList<>(world.pending());
    if (command != null) {
      commands.add(command);
    }
    Rollout input = world.rollout(scenario, status);
    Observation observation = world.observe(measurements, commands);
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    Decision decision = RolloutDecider.decide(input, observation, clock);
    String written = World.json(decision.status());
    PendingCommand last = newCount > 0 ? command : world.lastCommand();
    int count = newCount > 0 ? newCount : world.commandCount();
    int actions = decision.actions().size();
    List<Edge> edges = new ArrayList<>();
    for (int applied : crashPoints(decision)) {
      World after =
          world.afterDecision(written, decision.actions(), applied, now, commands, last, count);
      String suffix =
          applied == actions ? "" : "; crash after " + applied + " of " + actions + " actions";
      Edge.Pass pass = new Edge.Pass(input, observation, clock, decision, command, applied);
      edges.add(new Edge(label + suffix, kind, world, after, pass));
    }
    return edges;
  }

  /**
   * Returns how many actions take effect in each explored outcome of a decision: all of them, none,
   * and each count that stops between two ScaleRevision actions. Stops between the results of
   * commands are left out. A command whose result was not written is seen again by its UID and only
   * gets its result written, so such a world differs from the one with no action applied only in
   * which known commands are pending.
   */
  private static List<Integer> crashPoints(Decision decision) {
    List<Action> actions = decision.actions();
    List<Integer> points = new ArrayList<>();
    points.add(actions.size());
    if (actions.isEmpty()) {
      return points;
    }
    points.add(0);
    for (int applied = 1; applied < actions.size(); applied++) {
      boolean betweenScales =
          actions.get(applied - 1) instanceof Action.ScaleRevision
              && !(actions.get(applied) instanceof Action.CompleteCommand);
      if (betweenScales) {
        points.add(applied);
      }
    }
    return points;
  }

  /** Adds the world's own events: one more pod of a revision ready, or all of them. */
  private static void ready(World world, List<Edge> edges) {
    int missing = 0;
    for (var entry : world.replicaSets().entrySet()) {
      World.ReplicaSetState rs = entry.getValue();
      if (rs.readyReplicas() < rs.specReplicas()) {
        missing += rs.specReplicas() - rs.readyReplicas();
        World after = world.withReadyPods(entry.getKey(), 1);
        edges.add(
            new Edge("1 pod of " + entry.getKey() + " ready", Edge.Kind.READY, world, after, null));
      }
    }
    if (missing > 1) {
      edges.add(new Edge("all pods ready", Edge.Kind.READY, world, world.withAllPodsReady(), null));
    }
  }
}
