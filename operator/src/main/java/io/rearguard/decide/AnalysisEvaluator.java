package io.rearguard.decide;

import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import java.util.List;

/**
 * Counts measurements into a run and judges the run. NoData is counted as the metric's noData
 * policy and never as Successful; the worst run outcome across metrics wins.
 */
public final class AnalysisEvaluator {
  /** Measurements kept per run in the status. */
  public static final int KEPT_MEASUREMENTS = 10;

  private AnalysisEvaluator() {}

  /** Adds a measurement to a run and recomputes the run's phase. */
  public static void record(
      MetricRun run, MetricSpec metric, Measurement measurement, boolean step) {
    MeasurementOutcome counted = countedAs(measurement.outcome, metric.noData);
    run.count++;
    if (measurement.outcome == MeasurementOutcome.NoData) {
      run.noData++;
    }
    switch (counted) {
      case Successful -> run.successful++;
      case Failed -> run.failed++;
      case Inconclusive -> run.inconclusive++;
      default -> run.errors++;
    }
    run.consecutiveErrors = counted == MeasurementOutcome.Error ? run.consecutiveErrors + 1 : 0;
    run.lastMeasurementTime = measurement.time;
    run.measurements.add(measurement);
    while (run.measurements.size() > KEPT_MEASUREMENTS) {
      run.measurements.remove(0);
    }
    run.phase = judge(run, metric, step);
  }

  /** Returns how a measurement outcome counts against the limits. */
  static MeasurementOutcome countedAs(MeasurementOutcome outcome, MetricSpec.NoDataPolicy policy) {
    if (outcome != MeasurementOutcome.NoData) {
      return outcome;
    }
    return switch (policy == null ? MetricSpec.NoDataPolicy.Error : policy) {
      case Failed -> MeasurementOutcome.Failed;
      case Inconclusive -> MeasurementOutcome.Inconclusive;
      case Error -> MeasurementOutcome.Error;
    };
  }

  /**
   * Judges a run: Failed, Error or Inconclusive as soon as a limit is crossed. A step run that has
   * taken its count passes only when most of its measurements were Successful, so a run made mostly
   * of errors ends in Error.
   */
  static String judge(MetricRun run, MetricSpec metric, boolean step) {
    if (run.failed > metric.failureLimit) {
      return MeasurementOutcome.Failed.name();
    }
    if (run.consecutiveErrors > metric.consecutiveErrorLimit) {
      return MeasurementOutcome.Error.name();
    }
    if (run.inconclusive > metric.inconclusiveLimit) {
      return MeasurementOutcome.Inconclusive.name();
    }
    if (step && run.count >= metric.count) {
      return run.successful * 2 > run.count
          ? MeasurementOutcome.Successful.name()
          : MeasurementOutcome.Error.name();
    }
    return AnalysisSchedule.RUNNING;
  }

  /** Returns the worst phase of the runs: Failed, Error, Inconclusive, Running, Successful. */
  public static String worst(List<MetricRun> runs) {
    String worst = MeasurementOutcome.Successful.name();
    for (MetricRun run : runs) {
      if (rank(run.phase) > rank(worst)) {
        worst = run.phase;
      }
    }
    return worst;
  }

  private static int rank(String phase) {
    return switch (phase) {
      case "Failed" -> 4;
      case "Error" -> 3;
      case "Inconclusive" -> 2;
      case "Running" -> 1;
      default -> 0;
    };
  }
}
