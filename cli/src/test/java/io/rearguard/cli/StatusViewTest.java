package io.rearguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.rearguard.api.AbortStatus;
import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.CanaryStrategy;
import io.rearguard.api.LastDecision;
import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.RolloutStrategy;
import io.rearguard.api.Threshold;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusViewTest {

  private static Rollout rollout(RolloutStatus status) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("shop").build());
    RolloutSpec spec = new RolloutSpec();
    spec.strategy = new RolloutStrategy();
    spec.strategy.canary = new CanaryStrategy();
    CanaryStep weight = new CanaryStep();
    weight.setWeight = 25;
    CanaryStep analysis = new CanaryStep();
    analysis.analysis = new AnalysisSpec();
    MetricSpec metric = new MetricSpec();
    metric.name = "error-ratio";
    metric.threshold = new Threshold();
    metric.threshold.max = 0.05;
    analysis.analysis.metrics = List.of(metric);
    spec.strategy.canary.steps = List.of(weight, analysis, new CanaryStep(), new CanaryStep());
    rollout.setSpec(spec);
    rollout.setStatus(status);
    return rollout;
  }

  private static ReplicaSet replicaSet(String revision, String image, int replicas) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("checkout-" + revision)
        .withLabels(Map.of("rearguard.io/revision", revision))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static RolloutStatus canaryInAnalysis() {
    RolloutStatus status = new RolloutStatus();
    status.phase = RolloutPhase.Progressing;
    status.message = "canary bbb at step 2/4, weight 25%";
    status.step = "2/4";
    status.currentStepIndex = 1;
    status.canaryWeight = 25;
    status.stableRevision = "aaa";
    status.canaryRevision = "bbb";
    status.stableReadyReplicas = 3;
    status.canaryReadyReplicas = 1;
    MetricRun run = new MetricRun();
    run.name = "error-ratio";
    run.scope = "Step";
    run.stepIndex = 1;
    run.phase = "Running";
    run.count = 2;
    run.successful = 2;
    Measurement measurement = new Measurement();
    measurement.value = "0.01";
    measurement.outcome = MeasurementOutcome.Successful;
    measurement.time = "2024-05-01T12:00:04Z";
    run.measurements.add(measurement);
    status.analysis.add(run);
    status.lastDecision = new LastDecision();
    status.lastDecision.time = "2024-05-01T12:00:00Z";
    status.lastDecision.reason = "StepCompleted";
    status.lastDecision.actor = "operator";
    status.lastDecision.message = "Canary moved from step 1/4 (weight 25%) to step 2/4";
    return status;
  }

  @Test
  void canaryViewShowsEverySection() {
    String view =
        StatusView.render(
            rollout(canaryInAnalysis()),
            List.of(replicaSet("aaa", "shop:v1", 3), replicaSet("bbb", "shop:v2", 1)));

    assertThat(view).startsWith("Rollout shop/checkout\n");
    assertThat(view).contains("Phase:    Progressing - canary bbb at step 2/4, weight 25%");
    assertThat(view).contains("Step:     2/4\n");
    assertThat(view).contains("Weight:   canary 25%, stable 75%");
    assertThat(view).contains("Stable:   aaa  shop:v1  ready 3/3");
    assertThat(view).contains("Canary:   bbb  shop:v2  ready 1/1");
    assertThat(view)
        .contains(
            "error-ratio (step 2/4) Running, last 0.01 (Successful) at 2024-05-01T12:00:04Z,"
                + " threshold max 0.05, 2/2 successful");
    assertThat(view).contains("Decision: 2024-05-01T12:00:00Z StepCompleted by operator");
    assertThat(view).contains("Canary moved from step 1/4 (weight 25%) to step 2/4");
  }

  @Test
  void abortedViewNamesReasonAndActor() {
    RolloutStatus status = canaryInAnalysis();
    status.phase = RolloutPhase.Aborted;
    status.canaryWeight = 0;
    status.abort = new AbortStatus();
    status.abort.reason = "AbortCommand";
    status.abort.actor = "command/abort-1 by oncall-alice";
    status.abort.time = "2024-05-01T12:01:00Z";

    String view = StatusView.render(rollout(status), List.of());

    assertThat(view)
        .contains(
            "Aborted:  AbortCommand by command/abort-1 by oncall-alice at 2024-05-01T12:01:00Z");
    assertThat(view).contains("Weight:   canary 0%, stable 100%");
    assertThat(view).contains("Stable:   aaa  ready 3/?");
  }

  @Test
  void healthyViewHasNoCanaryLine() {
    RolloutStatus status = new RolloutStatus();
    status.phase = RolloutPhase.Healthy;
    status.stableRevision = "aaa";
    status.stableReadyReplicas = 3;
    status.canaryWeight = 0;

    String view = StatusView.render(rollout(status), List.of(replicaSet("aaa", "shop:v1", 3)));

    assertThat(view).contains("Step:     - (4 steps, no canary)");
    assertThat(view).doesNotContain("Canary:");
    assertThat(view).doesNotContain("Analysis:");
  }

  @Test
  void rolloutWithoutStatusSaysSo() {
    String view = StatusView.render(rollout(null), List.of());

    assertThat(view).contains("no status yet");
  }

  @Test
  void unmeasuredMetricSaysNotMeasuredYet() {
    MetricRun run = new MetricRun();
    run.name = "latency";
    run.scope = "Background";
    run.phase = "Running";

    assertThat(StatusView.metric(run, null, 4))
        .isEqualTo("latency (background) Running, not measured yet, 0/0 successful");
  }
}
