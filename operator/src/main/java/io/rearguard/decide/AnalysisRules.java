package io.rearguard.decide;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import java.util.ArrayList;
import java.util.List;

/** Turns analysis run outcomes into step completion, abort or pause. */
final class AnalysisRules {
  private AnalysisRules() {}

  /** Judges the background analysis; a Failed run aborts at any step. */
  static void judgeBackground(DecisionContext ctx) {
    AnalysisSpec analysis = ctx.spec.strategy.canary.analysis;
    if (analysis == null
        || Boolean.TRUE.equals(ctx.status.fastRollback)
        || !SignalSchedule.exposed(ctx.status)) {
      return;
    }
    List<MetricRun> runs = runs(ctx, AnalysisSchedule.BACKGROUND, null, analysis);
    react(ctx, runs, analysis, "background analysis");
  }

  /**
   * Returns whether the background analysis lets the canary become stable: every metric's latest
   * measurement must be Successful. No data, an error or an inconclusive result at that moment
   * keeps the canary where it is until a later measurement is Successful.
   */
  static boolean backgroundPromotable(DecisionContext ctx) {
    AnalysisSpec analysis = ctx.spec.strategy.canary.analysis;
    if (analysis == null || Boolean.TRUE.equals(ctx.status.fastRollback)) {
      return true;
    }
    for (MetricRun run : runs(ctx, AnalysisSchedule.BACKGROUND, null, analysis)) {
      boolean open =
          AnalysisSchedule.RUNNING.equals(run.phase)
              || MeasurementOutcome.Successful.name().equals(run.phase);
      if (!open || run.measurements.isEmpty()) {
        return false;
      }
      Measurement last = run.measurements.get(run.measurements.size() - 1);
      if (last.outcome != MeasurementOutcome.Successful) {
        return false;
      }
    }
    return true;
  }

  /** Judges a step analysis; returns true when it passed and the step is complete. */
  static boolean judgeStep(DecisionContext ctx, int index, AnalysisSpec analysis) {
    List<MetricRun> runs = runs(ctx, AnalysisSchedule.STEP, index, analysis);
    String worst = AnalysisEvaluator.worst(runs);
    if (MeasurementOutcome.Successful.name().equals(worst)) {
      return RolloutDecider.completeStep(
          ctx, index, Transition.OPERATOR, "analysis passed: " + summary(runs));
    }
    react(ctx, runs, analysis, "analysis of step " + ctx.stepText(index));
    return false;
  }

  private static void react(
      DecisionContext ctx, List<MetricRun> runs, AnalysisSpec analysis, String what) {
    String worst = AnalysisEvaluator.worst(runs);
    String evidence = what + " " + worst + ": " + evidence(runs, worst);
    switch (worst) {
      case "Failed" -> ctx.abort(Reasons.ANALYSIS_FAILED, evidence, Transition.OPERATOR);
      case "Error" -> {
        if (analysis.onError == AnalysisSpec.ErrorPolicy.Pause) {
          pauseOnce(ctx, Reasons.ANALYSIS_ERROR, evidence);
        } else {
          ctx.abort(Reasons.ANALYSIS_ERROR, evidence, Transition.OPERATOR);
        }
      }
      case "Inconclusive" -> pauseOnce(ctx, Reasons.INCONCLUSIVE_ANALYSIS, evidence);
      default -> {}
    }
  }

  private static void pauseOnce(DecisionContext ctx, String reason, String evidence) {
    if (ctx.status.pauseReason == null) {
      ctx.pause(reason, evidence, Transition.OPERATOR);
    }
  }

  /** Returns the runs of an analysis; a metric not yet measured counts as Running. */
  private static List<MetricRun> runs(
      DecisionContext ctx, String scope, Integer stepIndex, AnalysisSpec analysis) {
    List<MetricRun> runs = new ArrayList<>();
    for (MetricSpec metric : analysis.metrics) {
      MetricRun run =
          AnalysisSchedule.findRun(ctx.status, scope, stepIndex, metric.name)
              .orElseGet(
                  () -> {
                    MetricRun pending = new MetricRun();
                    pending.name = metric.name;
                    pending.phase = AnalysisSchedule.RUNNING;
                    return pending;
                  });
      runs.add(run);
    }
    return runs;
  }

  /** Explains the runs in the worst phase with the numbers behind them. */
  static String evidence(List<MetricRun> runs, String phase) {
    List<String> parts = new ArrayList<>();
    for (MetricRun run : runs) {
      if (!phase.equals(run.phase)) {
        continue;
      }
      StringBuilder part = new StringBuilder("metric ").append(run.name);
      part.append(" ")
          .append(run.successful)
          .append(" successful, ")
          .append(run.failed)
          .append(" failed, ")
          .append(run.errors)
          .append(" error, ")
          .append(run.inconclusive)
          .append(" inconclusive of ")
          .append(run.count)
          .append(" (")
          .append(run.noData)
          .append(" no data)");
      Measurement last = lastNonSuccessful(run);
      if (last != null) {
        part.append("; last ")
            .append(last.outcome)
            .append(" at ")
            .append(last.time)
            .append(": ")
            .append(last.message)
            .append("; value ")
            .append(last.value)
            .append("; query ")
            .append(last.query);
      }
      parts.add(part.toString());
    }
    return String.join(" | ", parts);
  }

  private static Measurement lastNonSuccessful(MetricRun run) {
    for (int i = run.measurements.size() - 1; i >= 0; i--) {
      Measurement measurement = run.measurements.get(i);
      if (measurement.outcome != MeasurementOutcome.Successful) {
        return measurement;
      }
    }
    return null;
  }

  private static String summary(List<MetricRun> runs) {
    List<String> parts = new ArrayList<>();
    for (MetricRun run : runs) {
      parts.add(run.name + " " + run.successful + "/" + run.count + " successful");
    }
    return String.join(", ", parts);
  }
}
