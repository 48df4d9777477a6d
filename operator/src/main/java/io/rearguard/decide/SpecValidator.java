package io.rearguard.decide;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.rearguard.analysis.QueryTemplate;
import io.rearguard.analysis.ThresholdEvaluator;
import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.Durations;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.RolloutSpec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what the CRD schema cannot: selector against template, query placeholders, CEL conditions
 * and durations. Each problem names the field and what to change.
 */
public final class SpecValidator {
  /** Label the operator puts on each revision's ReplicaSet and pods. */
  public static final String REVISION_LABEL = "rearguard.io/revision";

  /** Placeholders the operator fills in every query. */
  public static final Set<String> BUILT_IN_ARGS =
      Set.of("namespace", "rollout", "canaryRevision", "stableRevision");

  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private SpecValidator() {}

  /** Returns the problems of a spec; empty when it can be acted on. */
  public static List<String> validate(RolloutSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec is missing");
      return problems;
    }
    if (spec.replicas == null || spec.replicas < 0) {
      problems.add("spec.replicas must be 0 or more");
    }
    if (spec.progressDeadlineSeconds != null && spec.progressDeadlineSeconds < 1) {
      problems.add("spec.progressDeadlineSeconds must be at least 1");
    }
    checkTemplate(spec, problems);
    if (spec.strategy == null || spec.strategy.canary == null) {
      problems.add("spec.strategy.canary is missing");
      return problems;
    }
    List<CanaryStep> steps = spec.strategy.canary.steps;
    if (steps == null || steps.isEmpty()) {
      problems.add("spec.strategy.canary.steps must contain at least one step");
    } else {
      for (int i = 0; i < steps.size(); i++) {
        checkStep(steps.get(i), "spec.strategy.canary.steps[" + i + "]", problems);
      }
    }
    if (spec.strategy.canary.analysis != null) {
      checkAnalysis(spec.strategy.canary.analysis, "spec.strategy.canary.analysis", problems);
    }
    SignalSpecValidator.check(spec, problems);
    return problems;
  }

  private static void checkTemplate(RolloutSpec spec, List<String> problems) {
    PodTemplateSpec template = spec.template;
    if (template == null || template.getSpec() == null) {
      problems.add("spec.template.spec is missing");
      return;
    }
    List<Container> containers = template.getSpec().getContainers();
    if (containers == null || containers.isEmpty()) {
      problems.add("spec.template.spec.containers must contain at least one container");
    } else {
      for (int i = 0; i < containers.size(); i++) {
        Container container = containers.get(i);
        if (container.getImage() == null || container.getImage().isBlank()) {
          problems.add("spec.template.spec.containers[" + i + "].image is missing");
        }
      }
    }
    Map<String, String> labels =
        template.getMetadata() == null ? null : template.getMetadata().getLabels();
    if (labels != null && labels.containsKey(REVISION_LABEL)) {
      problems.add(
          "spec.template.metadata.labels must not set "
              + REVISION_LABEL
              + "; the operator sets it");
    }
    checkSelector(spec, labels, problems);
  }

  private static void checkSelector(
      RolloutSpec spec, Map<String, String> labels, List<String> problems) {
    if (spec.selector == null) {
      problems.add("spec.selector is missing");
      return;
    }
    if (spec.selector.getMatchExpressions() != null
        && !spec.selector.getMatchExpressions().isEmpty()) {
      problems.add("spec.selector.matchExpressions is not supported; use matchLabels");
    }
    Map<String, String> matchLabels = spec.selector.getMatchLabels();
    if (matchLabels == null || matchLabels.isEmpty()) {
      problems.add("spec.selector.matchLabels must contain at least one label");
      return;
    }
    for (var entry : matchLabels.entrySet()) {
      String actual = labels == null ? null : labels.get(entry.getKey());
      if (!entry.getValue().equals(actual)) {
        problems.add(
            "spec.selector.matchLabels "
                + entry.getKey()
                + "="
                + entry.getValue()
                + " does not match the template's labels; set the same label on"
                + " spec.template.metadata.labels");
      }
    }
  }

  private static void checkStep(CanaryStep step, String path, List<String> problems) {
    int kinds =
        (step.setWeight != null ? 1 : 0)
            + (step.pause != null ? 1 : 0)
            + (step.analysis != null ? 1 : 0);
    if (kinds != 1) {
      problems.add(path + " must set exactly one of setWeight, pause or analysis");
    }
    if (step.setWeight != null && (step.setWeight < 0 || step.setWeight > 100)) {
      problems.add(path + ".setWeight must be between 0 and 100, got " + step.setWeight);
    }
    if (step.pause != null && step.pause.duration != null) {
      checkDuration(step.pause.duration, path + ".pause.duration", Duration.ZERO, problems);
    }
    if (step.analysis != null) {
      checkAnalysis(step.analysis, path + ".analysis", problems);
    }
  }

  private static void checkAnalysis(AnalysisSpec analysis, String path, List<String> problems) {
    if (analysis.metrics == null || analysis.metrics.isEmpty()) {
      problems.add(path + ".metrics must contain at least one metric");
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < analysis.metrics.size(); i++) {
      MetricSpec metric = analysis.metrics.get(i);
      String metricPath = path + ".metrics[" + i + "]";
      if (metric.name == null || !names.add(metric.name)) {
        problems.add(metricPath + ".name must be present and unique, got " + metric.name);
      }
      checkMetric(metric, metricPath, problems);
    }
  }

  private static void checkMetric(MetricSpec metric, String path, List<String> problems) {
    checkDuration(metric.interval, path + ".interval", MIN_INTERVAL, problems);
    if (metric.prometheus == null
        || metric.prometheus.address == null
        || metric.prometheus.query == null) {
      problems.add(path + ".prometheus.address and .query are required");
    } else {
      checkAddress(metric.prometheus.address, path + ".prometheus.address", problems);
      Set<String> known = new HashSet<>(BUILT_IN_ARGS);
      if (metric.args != null) {
        known.addAll(metric.args.keySet());
      }
      for (String problem : QueryTemplate.validate(metric.prometheus.query, known)) {
        problems.add(path + ".prometheus.query: " + problem);
      }
    }
    if (metric.threshold == null
        || (metric.threshold.max == null
            && metric.threshold.min == null
            && metric.threshold.condition == null)) {
      problems.add(path + ".threshold needs max, min or condition");
    } else {
      var threshold = metric.threshold;
      if (threshold.max != null && threshold.min != null && threshold.min > threshold.max) {
        problems.add(path + ".threshold.min must not be greater than max");
      }
      if (threshold.condition != null) {
        ThresholdEvaluator.validateCondition(threshold.condition)
            .ifPresent(error -> problems.add(path + ".threshold.condition: " + error));
      }
    }
  }

  private static void checkAddress(String address, String path, List<String> problems) {
    try {
      URI uri = URI.create(address);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        problems.add(path + " must be an http or https URL with a host, got " + address);
      }
    } catch (IllegalArgumentException e) {
      problems.add(path + " is not a valid URL: " + e.getMessage());
    }
  }

  private static void checkDuration(
      String text, String path, Duration minimum, List<String> problems) {
    try {
      Duration duration = Durations.parse(text);
      if (duration.compareTo(minimum) < 0) {
        problems.add(path + " must be at least " + minimum.toSeconds() + "s, got " + text);
      }
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
    }
  }
}
