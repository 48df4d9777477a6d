package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.analysisSpec;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.CanaryStep;
import io.rearguard.api.PauseStep;
import io.rearguard.api.RolloutSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private static RolloutSpec validSpec() {
    return rollout()
        .steps(setWeight(20), pause("30s"), analysis(metric("errors")), setWeight(50))
        .backgroundAnalysis(analysisSpec(metric("latency")))
        .build()
        .getSpec();
  }

  @Test
  void validSpecHasNoProblems() {
    List<String> problems = SpecValidator.validate(validSpec());

    assertThat(problems).isEmpty();
  }

  @Test
  void missingSpecIsReported() {
    List<String> problems = SpecValidator.validate(null);

    assertThat(problems).containsExactly("spec is missing");
  }

  @Test
  void selectorNotMatchingTemplateIsReported() {
    RolloutSpec spec = validSpec();
    spec.selector.setMatchLabels(Map.of("app", "other"));

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("spec.selector.matchLabels app=other");
  }

  @Test
  void selectorWithoutLabelsIsReported() {
    RolloutSpec spec = validSpec();
    spec.selector.setMatchLabels(Map.of());

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems).singleElement().asString().startsWith("spec.selector.matchLabels");
  }

  @Test
  void templateSettingRevisionLabelIsReported() {
    RolloutSpec spec = validSpec();
    spec.template.getMetadata().getLabels().put(SpecValidator.REVISION_LABEL, "x");

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems).singleElement().asString().startsWith("spec.template.metadata.labels");
  }

  @Test
  void missingContainersAreReported() {
    RolloutSpec spec = validSpec();
    spec.template.getSpec().setContainers(List.of());

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly("spec.template.spec.containers must contain at least one container");
  }

  @Test
  void containerWithoutImageIsReported() {
    RolloutSpec spec = validSpec();
    spec.template.getSpec().getContainers().get(0).setImage(" ");

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems).containsExactly("spec.template.spec.containers[0].image is missing");
  }

  @Test
  void hugePauseDurationIsReportedNotThrown() {
    // Stored before the schema limited durations to 64 characters, or with an older CRD.
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps.set(1, pause("999999999d".repeat(20_000)));

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("spec.strategy.canary.steps[1].pause.duration: invalid duration of 200000")
        .hasSizeLessThan(200);
  }

  @Test
  void badPauseDurationIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps.set(1, pause("30 seconds"));

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("spec.strategy.canary.steps[1].pause.duration: invalid duration '30 seconds'");
  }

  @Test
  void intervalBelowOneSecondIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps.get(2).analysis.metrics.get(0).interval = "500ms";

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly(
            "spec.strategy.canary.steps[2].analysis.metrics[0].interval must be at least 1s,"
                + " got 500ms");
  }

  @Test
  void placeholderOutsideQuotesIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps.get(2).analysis.metrics.get(0).prometheus.query =
        "rate(errors{{canaryRevision}}[1m])";

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("spec.strategy.canary.steps[2].analysis.metrics[0].prometheus.query:")
        .contains("placeholder outside a double-quoted string");
  }

  @Test
  void unknownPlaceholderIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.analysis.metrics.get(0).prometheus.query =
        "rate(latency{pod=\"{{podName}}\"}[1m])";

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("spec.strategy.canary.analysis.metrics[0].prometheus.query:")
        .contains("unknown placeholder {{podName}}");
  }

  @Test
  void placeholderNamedInArgsIsAccepted() {
    RolloutSpec spec = validSpec();
    var metric = spec.strategy.canary.analysis.metrics.get(0);
    metric.prometheus.query = "rate(latency{pod=\"{{podName}}\"}[1m])";
    metric.args = Map.of("podName", "web-0");

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems).isEmpty();
  }

  @Test
  void badCelConditionIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.analysis.metrics.get(0).threshold.condition = "value <";

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("spec.strategy.canary.analysis.metrics[0].threshold.condition:");
  }

  @Test
  void thresholdMinAboveMaxIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.analysis.metrics.get(0).threshold.min = 1.0;

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly(
            "spec.strategy.canary.analysis.metrics[0].threshold.min must not be greater than max");
  }

  @Test
  void duplicateMetricNamesAreReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps.get(2).analysis.metrics.add(metric("errors"));

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly(
            "spec.strategy.canary.steps[2].analysis.metrics[1].name must be present and unique,"
                + " got errors");
  }

  @Test
  void stepWithTwoKindsIsReported() {
    RolloutSpec spec = validSpec();
    CanaryStep step = setWeight(30);
    step.pause = new PauseStep();
    spec.strategy.canary.steps.set(0, step);

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly(
            "spec.strategy.canary.steps[0] must set exactly one of setWeight, pause or analysis");
  }

  @Test
  void stepWithNoKindIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps.set(0, new CanaryStep());

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly(
            "spec.strategy.canary.steps[0] must set exactly one of setWeight, pause or analysis");
  }

  @Test
  void weightAboveHundredIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps.set(0, setWeight(101));

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly(
            "spec.strategy.canary.steps[0].setWeight must be between 0 and 100, got 101");
  }

  @Test
  void emptyStepsAreReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.steps = List.of();

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .containsExactly("spec.strategy.canary.steps must contain at least one step");
  }

  @Test
  void prometheusAddressWithoutHostIsReported() {
    RolloutSpec spec = validSpec();
    spec.strategy.canary.analysis.metrics.get(0).prometheus.address = "http:///metrics";

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("spec.strategy.canary.analysis.metrics[0].prometheus.address");
  }

  @Test
  void everyProblemIsListed() {
    RolloutSpec spec = validSpec();
    spec.selector.setMatchLabels(Map.of("app", "other"));
    spec.template.getSpec().setContainers(List.of());
    spec.strategy.canary.steps.set(1, pause("soon"));

    List<String> problems = SpecValidator.validate(spec);

    assertThat(problems).hasSize(3);
  }
}
