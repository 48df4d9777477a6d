package io.rearguard.explore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.AbortStatus;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Action;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation.PendingCommand;
import io.rearguard.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks that each rule of {@link Invariants} reports a hand-made edge that breaks it. */
class InvariantsTest {
  private static final Scenario SCENARIO = Scenario.of(2, false, RehearsalSpec.Mode.Verify);
  private static final Instant NOW = MutableClock.START;
  private static final Invariants INVARIANTS = new Invariants(SCENARIO);

  @Test
  void threeServingRevisionsReported() {
    World after = world(Map.of("rev-a", rs(1, 1), "rev-b", rs(1, 1), "rev-c", rs(1, 1)));
    Edge edge = new Edge("ready", Edge.Kind.READY, after, after, null);

    assertThat(rules(edge)).contains(Invariants.SERVING);
  }

  @Test
  void scaleDownBelowReplicasReported() {
    World before = world(Map.of("rev-a", rs(2, 2)));
    World after = world(Map.of("rev-a", rs(1, 1)));
    Edge edge = crashedPass(before, after, status("rev-a", null, 0), scale("rev-a", 1));

    assertThat(rules(edge)).contains(Invariants.CAPACITY);
  }

  @Test
  void canaryWeightWithoutCanaryReported() {
    World both = world(Map.of("rev-a", rs(2, 2)));
    Edge edge = crashedPass(both, both, status("rev-a", null, 50), scale("rev-a", 2));

    assertThat(rules(edge)).contains(Invariants.WEIGHT);
  }

  @Test
  void stableScaledDownWhileAbortedReported() {
    World before = world(Map.of("rev-a", rs(2, 2), "rev-b", rs(1, 1)));
    World after = world(Map.of("rev-a", rs(1, 1), "rev-b", rs(0, 0)));
    RolloutStatus aborted = status("rev-a", "rev-b", 0);
    aborted.abort = new AbortStatus();
    aborted.abort.revision = "rev-b";
    Edge edge = crashedPass(before, after, aborted, scale("rev-a", 1), scale("rev-b", 0));

    assertThat(rules(edge)).contains(Invariants.ABORT_FLOOR);
  }

  @Test
  void rejectedAbortOfActiveCanaryReported() {
    World before = world(Map.of("rev-a", rs(1, 1), "rev-b", rs(1, 1)));
    before = withStatus(before, status("rev-a", "rev-b", 50));
    PendingCommand abort =
        new PendingCommand(
            "abort-1", "uid-abort-1", RolloutCommandSpec.Action.ABORT, "why", "alice", NOW);
    Action rejected =
        new Action.CompleteCommand(
            "abort-1", RolloutCommandStatus.Phase.Rejected, "no", NOW.toString(), "Progressing");
    Decision decision =
        new Decision(status("rev-a", "rev-b", 50), List.of(rejected), List.of(), Duration.ZERO);
    Edge.Pass pass =
        new Edge.Pass(
            before.rollout(SCENARIO, before.status()),
            before.observe(List.of(), List.of(abort)),
            Clock.fixed(NOW, ZoneOffset.UTC),
            decision,
            abort,
            1);
    Edge edge = new Edge("abort", Edge.Kind.COMMAND, before, before, pass);

    assertThat(rules(edge)).contains(Invariants.ABORT_ACCEPTED);
  }

  private static List<String> rules(Edge edge) {
    return INVARIANTS.check(edge).stream().map(Invariants.Violation::invariant).toList();
  }

  /** Returns an edge of a pass that crashed before its last action. */
  private static Edge crashedPass(
      World before, World after, RolloutStatus post, Action... actions) {
    Decision decision = new Decision(post, List.of(actions), List.of(), Duration.ZERO);
    Edge.Pass pass =
        new Edge.Pass(
            before.rollout(SCENARIO, before.status()),
            before.observe(List.of(), List.of()),
            Clock.fixed(NOW, ZoneOffset.UTC),
            decision,
            null,
            actions.length - 1);
    return new Edge("pass", Edge.Kind.MEASURE, before, after, pass);
  }

  private static RolloutStatus status(String stable, String canary, int weight) {
    RolloutStatus status = new RolloutStatus();
    status.stableRevision = stable;
    status.canaryRevision = canary;
    status.canaryWeight = weight;
    status.currentStepIndex = canary == null ? null : 0;
    return status;
  }

  private static World world(Map<String, World.ReplicaSetState> replicaSets) {
    return new World(
        World.json(status("rev-a", null, 0)), replicaSets, "rev-a", 1, NOW, List.of(), null, 0);
  }

  private static World withStatus(World world, RolloutStatus status) {
    return new World(
        World.json(status),
        world.replicaSets(),
        world.desiredRevision(),
        world.generation(),
        world.now(),
        world.pending(),
        world.lastCommand(),
        world.commandCount());
  }

  private static World.ReplicaSetState rs(int spec, int ready) {
    return new World.ReplicaSetState(spec, ready, NOW);
  }

  private static Action scale(String revision, int replicas) {
    return new Action.ScaleRevision(revision, replicas);
  }
}
