package io.rearguard.cli;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.Measurement;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.SpecValidator;
import io.rearguard.evidence.ThresholdText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Renders the live view of one Rollout as plain text. */
final class StatusView {
  private StatusView() {}

  /** Returns the view of a Rollout and its ReplicaSets. */
  static String render(Rollout rollout, Collection<ReplicaSet> replicaSets) {
    RolloutStatus status = rollout.getStatus();
    StringBuilder text = new StringBuilder();
    text.append("Rollout ")
        .append(rollout.getMetadata().getNamespace())
        .append('/')
        .append(rollout.getMetadata().getName())
        .append('\n');
    if (status == null || status.phase == null) {
      text.append("Phase:    (no status yet; is the operator running?)\n");
      return text.toString();
    }

    line(text, "Phase", status.phase + (status.message == null ? "" : " - " + status.message));
    int steps = stepCount(rollout.getSpec());
    line(text, "Step", status.step != null ? status.step : "- (" + steps + " steps, no canary)");
    int canaryWeight = status.canaryWeight == null ? 0 : status.canaryWeight;
    line(text, "Weight", "canary " + canaryWeight + "%, stable " + (100 - canaryWeight) + "%");

    line(text, "Stable", revision(status.stableRevision, status.stableReadyReplicas, replicaSets));
    if (status.canaryRevision != null) {
      line(
          text, "Canary", revision(status.canaryRevision, status.canaryReadyReplicas, replicaSets));
    }
    if (status.abort != null) {
      line(
          text,
          "Aborted",
          status.abort.reason + " by " + status.abort.actor + " at " + status.abort.time);
    }

    metrics(text, rollout.getSpec(), status);
    if (status.lastDecision != null) {
      var decision = status.lastDecision;
      line(text, "Decision", decision.time + " " + decision.reason + " by " + decision.actor);
      text.append("          ").append(decision.message).append('\n');
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format("%-9s %s%n", label + ":", value));
  }

  private static int stepCount(RolloutSpec spec) {
    if (spec == null || spec.strategy == null || spec.strategy.canary == null) {
      return 0;
    }
    return spec.strategy.canary.steps == null ? 0 : spec.strategy.canary.steps.size();
  }

  /** Describes a revision: hash, images and ready pods against the ReplicaSet's desired count. */
  static String revision(String revision, Integer ready, Collection<ReplicaSet> replicaSets) {
    if (revision == null) {
      return "-";
    }
    Optional<ReplicaSet> replicaSet =
        replicaSets.stream()
            .filter(rs -> rs.getMetadata().getLabels() != null)
            .filter(
                rs ->
                    revision.equals(rs.getMetadata().getLabels().get(SpecValidator.REVISION_LABEL)))
            .findFirst();
    String desired =
        replicaSet
            .map(rs -> rs.getSpec() == null ? null : rs.getSpec().getReplicas())
            .map(String::valueOf)
            .orElse("?");
    List<String> images = new ArrayList<>();
    replicaSet.ifPresent(
        rs ->
            rs.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .forEach(c -> images.add(c.getImage())));
    return revision
        + (images.isEmpty() ? "" : "  " + String.join(",", images))
        + "  ready "
        + (ready == null ? 0 : ready)
        + "/"
        + desired;
  }

  private static void metrics(StringBuilder text, RolloutSpec spec, RolloutStatus status) {
    if (status.analysis == null || status.analysis.isEmpty()) {
      return;
    }
    text.append("Analysis:\n");
    int steps = stepCount(spec);
    for (MetricRun run : status.analysis) {
      text.append("  ").append(metric(run, spec, steps)).append('\n');
    }
  }

  /** Describes one analysis run: its last value against the threshold, and its counts. */
  static String metric(MetricRun run, RolloutSpec spec, int steps) {
    String scope =
        AnalysisSchedule.BACKGROUND.equals(run.scope)
            ? "background"
            : "step " + (run.stepIndex == null ? "?" : (run.stepIndex + 1) + "/" + steps);
    String threshold =
        metricSpec(spec, run).map(m -> ThresholdText.describe(m.threshold)).orElse(null);
    StringBuilder text = new StringBuilder();
    text.append(run.name).append(" (").append(scope).append(") ").append(run.phase);
    Measurement last =
        run.measurements == null || run.measurements.isEmpty()
            ? null
            : run.measurements.get(run.measurements.size() - 1);
    if (last == null) {
      text.append(", not measured yet");
    } else {
      text.append(", last ")
          .append(last.value == null ? "no value" : last.value)
          .append(" (")
          .append(last.outcome)
          .append(") at ")
          .append(last.time);
    }
    if (threshold != null) {
      text.append(", threshold ").append(threshold);
    }
    text.append(", ").append(run.successful).append('/').append(run.count).append(" successful");
    return text.toString();
  }

  private static Optional<MetricSpec> metricSpec(RolloutSpec spec, MetricRun run) {
    if (spec == null || spec.strategy == null || spec.strategy.canary == null) {
      return Optional.empty();
    }
    AnalysisSpec analysis = null;
    if (AnalysisSchedule.BACKGROUND.equals(run.scope)) {
      analysis = spec.strategy.canary.analysis;
    } else if (run.stepIndex != null && spec.strategy.canary.steps != null) {
      List<CanaryStep> steps = spec.strategy.canary.steps;
      analysis = run.stepIndex < steps.size() ? steps.get(run.stepIndex).analysis : null;
    }
    if (analysis == null || analysis.metrics == null) {
      return Optional.empty();
    }
    return analysis.metrics.stream().filter(m -> m.name.equals(run.name)).findFirst();
  }
}
