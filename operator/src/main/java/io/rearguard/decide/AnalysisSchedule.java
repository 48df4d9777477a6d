package io.rearguard.decide;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.Durations;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Works out which metrics are due for a measurement, from spec, status and time alone. */
public final class AnalysisSchedule {
  /** Scope of a step analysis run. */
  public static final String STEP = "Step";

  /** Scope of the background analysis run. */
  public static final String BACKGROUND = "Background";

  /** Run phase while measurements are still being taken. */
  public static final String RUNNING = "Running";

  private AnalysisSchedule() {}

  /**
   * A metric that should be measured.
   *
   * @param scope {@link #STEP} or {@link #BACKGROUND}
   * @param stepIndex step of a step analysis, null for the background analysis
   * @param metric the metric
   */
  public record DueMetric(String scope, Integer stepIndex, MetricSpec metric) {}

  /** Returns the metrics due for a measurement at {@code now}. */
  public static List<DueMetric> due(RolloutSpec spec, RolloutStatus status, Instant now) {
    List<DueMetric> due = new ArrayList<>();
    for (DueMetric candidate : active(spec, status)) {
      Optional<Instant> next = nextMeasurement(status, candidate);
      if (next.isPresent() && !next.get().isAfter(now)) {
        due.add(candidate);
      }
    }
    return due;
  }

  /** Returns the earliest time a metric becomes due, if any analysis is active. */
  public static Optional<Instant> nextDue(RolloutSpec spec, RolloutStatus status) {
    return active(spec, status).stream()
        .map(candidate -> nextMeasurement(status, candidate))
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  /** Returns the run of a metric in the status, if it has one. */
  public static Optional<MetricRun> findRun(
      RolloutStatus status, String scope, Integer stepIndex, String metric) {
    if (status == null) {
      return Optional.empty();
    }
    return status.analysis.stream()
        .filter(run -> scope.equals(run.scope))
        .filter(run -> Objects.equals(stepIndex, run.stepIndex))
        .filter(run -> metric.equals(run.name))
        .findFirst();
  }

  private static List<DueMetric> active(RolloutSpec spec, RolloutStatus status) {
    List<DueMetric> active = new ArrayList<>();
    if (status == null
        || status.canaryRevision == null
        || status.abort != null
        || Boolean.TRUE.equals(status.fastRollback)
        || !SignalSchedule.exposed(status)) {
      // A fast rollback skips analysis, and a canary without traffic has nothing to measure.
      return active;
    }
    var canary = spec.strategy.canary;
    if (canary.analysis != null) {
      addMetrics(active, BACKGROUND, null, canary.analysis);
    }
    Integer index = status.currentStepIndex;
    boolean paused = status.pauseReason != null;
    if (!paused && index != null && index < canary.steps.size()) {
      CanaryStep step = canary.steps.get(index);
      if (step.analysis != null) {
        addMetrics(active, STEP, index, step.analysis);
      }
    }
    return active;
  }

  private static void addMetrics(
      List<DueMetric> into, String scope, Integer stepIndex, AnalysisSpec analysis) {
    for (MetricSpec metric : analysis.metrics) {
      into.add(new DueMetric(scope, stepIndex, metric));
    }
  }

  private static Optional<Instant> nextMeasurement(RolloutStatus status, DueMetric candidate) {
    Optional<MetricRun> run =
        findRun(status, candidate.scope(), candidate.stepIndex(), candidate.metric().name);
    if (run.isEmpty() || run.get().lastMeasurementTime == null) {
      return Optional.of(Instant.EPOCH);
    }
    if (!RUNNING.equals(run.get().phase)) {
      return Optional.empty();
    }
    Instant last = Instant.parse(run.get().lastMeasurementTime);
    return Optional.of(last.plus(Durations.parse(candidate.metric().interval)));
  }
}
