package io.rearguard.explore;

import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.analysisSpec;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.setWeight;

import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutSpec;
import io.rearguard.testkit.Rollouts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A small Rollout whose reachable states are explored, with the revisions its template can take and
 * the durations that the decider compares times against.
 *
 * <p>Every Scenario has the steps [setWeight 50, analysis of metric "errors" with count 2, pause
 * without a duration], a progress deadline of {@link #DEADLINE}, and metrics measured every {@link
 * #TICK}.
 *
 * @param name label printed with the counts
 * @param rollout the Rollout whose spec is explored; its status is replaced before each decision
 */
record Scenario(String name, Rollout rollout) {
  /** Clock step of an ordinary pass, equal to the metrics' measurement interval. */
  static final Duration TICK = Duration.ofSeconds(10);

  /** Progress deadline of every Scenario. */
  static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Revisions the pod template hashes to. The first is stable at the start. */
  static final List<String> REVISIONS = List.of("rev-a", "rev-b", "rev-c");

  /**
   * Age after which the decider rejects a command as expired and stops treating a copy as a
   * duplicate.
   */
  // NOTE: mirrors CommandRules.COMMAND_TTL, which is package-private in io.rearguard.decide.
  static final Duration COMMAND_TTL = Duration.ofMinutes(10);

  /** Default rehearsal timeout, RehearsalSpec.maxRollbackSeconds. */
  private static final long MAX_ROLLBACK_SECONDS = 60;

  /**
   * Ages in seconds that the decider compares each status timestamp against, by field name. An
   * empty list means that the decider never reads the field's age in these scenarios.
   */
  static final Map<String, List<Long>> AGE_THRESHOLDS =
      Map.of(
          "lastProgressTime", List.of(DEADLINE.toSeconds()),
          "lastMeasurementTime", List.of(TICK.toSeconds()),
          "startTime", List.of(MAX_ROLLBACK_SECONDS),
          "drillStartTime", List.of(MAX_ROLLBACK_SECONDS),
          // Read only by timed pause steps, which these steps do not have.
          "stepStartTime", List.of(),
          "pauseStartTime", List.of(),
          // Read only with rehearsal.repeatEvery, which is unset.
          "endTime", List.of());

  /** All the ages above together, for a timestamp field not listed and for a pending command. */
  static final List<Long> ALL_THRESHOLDS =
      List.copyOf(
          new TreeSet<>(
              List.of(
                  TICK.toSeconds(),
                  DEADLINE.toSeconds(),
                  MAX_ROLLBACK_SECONDS,
                  COMMAND_TTL.toSeconds())));

  /** Returns a Scenario with {@code replicas} pods and the given rehearsal mode. */
  static Scenario of(int replicas, boolean backgroundAnalysis, RehearsalSpec.Mode rehearsal) {
    Rollouts.Builder builder =
        Rollouts.rollout()
            .replicas(replicas)
            .progressDeadlineSeconds((int) DEADLINE.toSeconds())
            .steps(
                setWeight(50), analysis(metric("errors", m -> m.count = 2)), pauseIndefinitely());
    if (backgroundAnalysis) {
      builder.backgroundAnalysis(analysisSpec(metric("latency")));
    }
    if (rehearsal != RehearsalSpec.Mode.Verify) {
      // Without a rehearsal block the decider rehearses in Verify mode with the defaults.
      RehearsalSpec spec = new RehearsalSpec();
      spec.mode = rehearsal;
      builder.rehearsal(spec);
    }
    String name =
        replicas
            + " replicas, "
            + rehearsal
            + " rehearsal, "
            + (backgroundAnalysis ? "with" : "without")
            + " background analysis";
    return new Scenario(name, builder.build());
  }

  RolloutSpec spec() {
    return rollout.getSpec();
  }

  int replicas() {
    return spec().replicas;
  }
}
