package io.rearguard.e2e.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.SloSpec;
import io.rearguard.e2e.RolloutManifests;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoManifestsTest {
  private static final String PROMETHEUS = "http://127.0.0.1:19090";

  @Test
  void rolloutHasSloTriggerAndDrill() {
    Rollout rollout =
        parse(DemoManifests.rollout("registry.example/checkout:v2", PROMETHEUS, null, "{}"));

    SloSpec slo = rollout.getSpec().slo;
    assertThat(slo.objective).isEqualTo(99.0);
    assertThat(slo.interval).isEqualTo("1s");
    assertThat(slo.errorSelector).contains("code=\"500\"");
    assertThat(slo.triggers).hasSize(1);
    SloSpec.BurnRateTrigger trigger = slo.triggers.get(0);
    assertThat(trigger.name).isEqualTo("fast");
    assertThat(trigger.burnRate).isEqualTo(20.0);
    assertThat(trigger.longWindow).isEqualTo("30s");
    assertThat(trigger.shortWindow).isEqualTo("10s");
    assertThat(rollout.getSpec().rehearsal.mode).isEqualTo(RehearsalSpec.Mode.Drill);
    assertThat(rollout.getSpec().rehearsal.maxRollbackSeconds).isEqualTo(30);
  }

  @Test
  void rolloutWithoutPauseKeepsFourSteps() {
    Rollout rollout =
        parse(DemoManifests.rollout("registry.example/checkout:v2", PROMETHEUS, null, "{}"));

    List<CanaryStep> steps = rollout.getSpec().strategy.canary.steps;
    assertThat(steps).hasSize(4);
    assertThat(steps.get(0).setWeight).isEqualTo(25);
    assertThat(steps.get(1).analysis.metrics.get(0).name).isEqualTo("error-ratio");
    assertThat(steps.get(2).setWeight).isEqualTo(50);
    assertThat(steps.get(3).pause).isNotNull();
  }

  @Test
  void pauseBeforeAnalysisBecomesSecondStep() {
    Rollout rollout =
        parse(DemoManifests.rollout("registry.example/checkout:v5", PROMETHEUS, "{}", "{}"));

    List<CanaryStep> steps = rollout.getSpec().strategy.canary.steps;
    assertThat(steps).hasSize(5);
    assertThat(steps.get(1).pause).isNotNull();
    assertThat(steps.get(1).analysis).isNull();
    assertThat(steps.get(2).analysis).isNotNull();
  }

  @Test
  void stepsMatchBasicRolloutManifest() {
    String image = "registry.example/checkout:v1";
    Rollout basic =
        parse(RolloutManifests.rollout("demo", "checkout", image, PROMETHEUS, "{duration: 2s}"));
    Rollout extended =
        parse(
            RolloutManifests.rollout(
                "demo", "checkout", image, PROMETHEUS, null, "{duration: 2s}", ""));

    assertThat(Serialization.asYaml(extended.getSpec()))
        .isEqualTo(Serialization.asYaml(basic.getSpec()));
  }

  private static Rollout parse(String yaml) {
    return Serialization.unmarshal(yaml, Rollout.class);
  }
}
