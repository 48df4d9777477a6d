package io.rearguard.evidence;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.Measurement;
import io.rearguard.api.MetricEvidence;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.RecordEvidence;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.AnalysisEvaluator;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Reasons;
import io.rearguard.decide.StatusCopier;
import io.rearguard.decide.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the evidence of an automatic transition from the status: the abort message, and the
 * analysis runs the decision rests on with their last measurement.
 */
final class EvidenceCollector {
  private EvidenceCollector() {}

  /** Returns the evidence of a transition, or null for manual and routine ones. */
  static RecordEvidence collect(
      RolloutSpec spec,
      RolloutStatus before,
      RolloutStatus after,
      Transition transition,
      Observation observation) {
    if (!Transition.OPERATOR.equals(transition.actor())) {
      return null;
    }
    RecordEvidence evidence = new RecordEvidence();
    boolean abortedNow =
        after.abort != null
            && (before == null || before.abort == null)
            && transition.reason().equals(after.abort.reason);
    if (abortedNow) {
      evidence.message = after.abort.message;
    }
    List<MetricEvidence> metrics = new ArrayList<>();
    for (MetricRun run : runs(spec, before, after, transition, observation)) {
      metrics.add(describe(spec, run));
    }
    evidence.metrics = metrics.isEmpty() ? null : metrics;
    return evidence.message == null && evidence.metrics == null ? null : evidence;
  }

  private static List<MetricRun> runs(
      RolloutSpec spec,
      RolloutStatus before,
      RolloutStatus after,
      Transition transition,
      Observation observation) {
    String reason = transition.reason();
    if (Reasons.STEP_COMPLETED.equals(reason)) {
      return completedStepRuns(spec, before, observation);
    }
    String phase =
        switch (reason) {
          case Reasons.ANALYSIS_FAILED -> "Failed";
          case Reasons.ANALYSIS_ERROR -> "Error";
          case Reasons.INCONCLUSIVE_ANALYSIS -> "Inconclusive";
          default -> null;
        };
    if (phase == null || after.analysis == null) {
      return List.of();
    }
    return after.analysis.stream().filter(run -> phase.equals(run.phase)).toList();
  }

  /**
   * Returns the runs of the step the pass started at. The decider drops them from the status when
   * the step completes, so they are rebuilt from the stored status plus this pass's measurements,
   * counted the way the decider counts them.
   */
  private static List<MetricRun> completedStepRuns(
      RolloutSpec spec, RolloutStatus before, Observation observation) {
    if (before == null || before.currentStepIndex == null) {
      return List.of();
    }
    int index = before.currentStepIndex;
    AnalysisSpec analysis = stepAnalysis(spec, index);
    if (analysis == null || analysis.metrics == null) {
      return List.of();
    }
    RolloutStatus copy = StatusCopier.copy(before);
    List<MetricRun> runs = new ArrayList<>();
    for (MetricSpec metric : analysis.metrics) {
      MetricRun run =
          AnalysisSchedule.findRun(copy, AnalysisSchedule.STEP, index, metric.name)
              .orElseGet(() -> emptyRun(metric.name, index));
      for (Observation.TakenMeasurement taken : observation.measurements()) {
        boolean same =
            AnalysisSchedule.STEP.equals(taken.scope())
                && Integer.valueOf(index).equals(taken.stepIndex())
                && metric.name.equals(taken.metric());
        if (same && AnalysisSchedule.RUNNING.equals(run.phase)) {
          AnalysisEvaluator.record(run, metric, taken.measurement(), true);
        }
      }
      if (run.count > 0) {
        runs.add(run);
      }
    }
    return runs;
  }

  private static MetricRun emptyRun(String name, int index) {
    MetricRun run = new MetricRun();
    run.name = name;
    run.scope = AnalysisSchedule.STEP;
    run.stepIndex = index;
    run.phase = AnalysisSchedule.RUNNING;
    return run;
  }

  private static MetricEvidence describe(RolloutSpec spec, MetricRun run) {
    MetricEvidence evidence = new MetricEvidence();
    evidence.metric = run.name;
    evidence.scope = run.scope;
    evidence.stepIndex = run.stepIndex;
    evidence.phase = run.phase;
    evidence.counts =
        run.successful
            + " successful, "
            + run.failed
            + " failed, "
            + run.errors
            + " error, "
            + run.inconclusive
            + " inconclusive of "
            + run.count
            + " ("
            + run.noData
            + " no data)";
    metricSpec(spec, run)
        .ifPresent(
            metric -> {
              evidence.threshold = ThresholdText.describe(metric.threshold);
              evidence.interval = metric.interval;
            });
    if (run.measurements != null && !run.measurements.isEmpty()) {
      Measurement last = run.measurements.get(run.measurements.size() - 1);
      evidence.time = last.time;
      evidence.query = last.query;
      evidence.value = last.value;
      evidence.outcome = last.outcome == null ? null : last.outcome.name();
      evidence.reason = last.message;
    }
    return evidence;
  }

  private static Optional<MetricSpec> metricSpec(RolloutSpec spec, MetricRun run) {
    AnalysisSpec analysis =
        AnalysisSchedule.BACKGROUND.equals(run.scope)
            ? backgroundAnalysis(spec)
            : run.stepIndex == null ? null : stepAnalysis(spec, run.stepIndex);
    if (analysis == null || analysis.metrics == null) {
      return Optional.empty();
    }
    return analysis.metrics.stream().filter(m -> m.name.equals(run.name)).findFirst();
  }

  private static AnalysisSpec backgroundAnalysis(RolloutSpec spec) {
    if (spec == null || spec.strategy == null || spec.strategy.canary == null) {
      return null;
    }
    return spec.strategy.canary.analysis;
  }

  private static AnalysisSpec stepAnalysis(RolloutSpec spec, int index) {
    if (spec == null || spec.strategy == null || spec.strategy.canary == null) {
      return null;
    }
    List<CanaryStep> steps = spec.strategy.canary.steps;
    if (steps == null || index < 0 || index >= steps.size()) {
      return null;
    }
    return steps.get(index).analysis;
  }
}
