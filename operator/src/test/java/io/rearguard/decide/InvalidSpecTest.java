package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the decider treats a spec that SpecValidator rejects. */
class InvalidSpecTest {
  private final MutableClock clock = new MutableClock();

  private static Rollout withWrongSelector(Rollout rollout) {
    rollout.getSpec().selector.setMatchLabels(Map.of("app", "other"));
    return rollout;
  }

  private static Condition invalidSpecCondition(Driver driver) {
    return Conditions.find(driver.status().conditions, Reasons.INVALID_SPEC).orElseThrow();
  }

  @Test
  void invalidSpecSetsPhaseInvalidSpec() {
    Driver driver = new Driver(withWrongSelector(rollout().generation(3).build()), "rev-a", clock);

    driver.pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.InvalidSpec);
    assertThat(driver.status().message).startsWith("spec.selector.matchLabels app=other");
    assertThat(driver.status().observedGeneration).isEqualTo(3L);
  }

  @Test
  void invalidSpecConditionNamesField() {
    Driver driver = new Driver(withWrongSelector(rollout().build()), "rev-a", clock);

    driver.pass();

    assertThat(invalidSpecCondition(driver).getStatus()).isEqualTo("True");
    assertThat(invalidSpecCondition(driver).getMessage()).contains("spec.selector.matchLabels");
  }

  @Test
  void invalidSpecDecidesNoActions() {
    Driver driver = new Driver(withWrongSelector(rollout().build()), "rev-a", clock);

    Decision decision = driver.pass();

    assertThat(decision.actions()).isEmpty();
  }

  @Test
  void invalidSpecRequeuesSlowly() {
    Driver driver = new Driver(withWrongSelector(rollout().build()), "rev-a", clock);

    Decision decision = driver.pass();

    assertThat(decision.requeueAfter()).isEqualTo(RolloutDecider.INVALID_SPEC_REQUEUE);
    assertThat(decision.requeueAfter()).hasMinutes(5);
  }

  @Test
  void invalidSpecWarnsOnce() {
    Driver driver = new Driver(withWrongSelector(rollout().build()), "rev-a", clock);

    driver.run(4);

    assertThat(driver.transitions()).hasSize(1);
    assertThat(driver.transitions().get(0).reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(driver.transitions().get(0).warning()).isTrue();
  }

  @Test
  void newProblemWarnsAgain() {
    Driver driver = new Driver(withWrongSelector(rollout().build()), "rev-a", clock);
    driver.pass();

    driver.rollout().getSpec().template.getSpec().setContainers(List.of());
    driver.pass();

    assertThat(driver.transitionReasons())
        .containsExactly(Reasons.INVALID_SPEC, Reasons.INVALID_SPEC);
  }

  @Test
  void invalidSpecRejectsPendingCommands() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    withWrongSelector(driver.rollout());
    String name = driver.command(RolloutCommandSpec.Action.ABORT);

    driver.pass();

    assertThat(driver.completed(name).phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(driver.completed(name).message()).contains("spec is invalid");
  }

  @Test
  void invalidSpecLeavesCanaryInPlace() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    driver.changeTemplate("rev-b").pass();
    withWrongSelector(driver.rollout());

    Decision decision = driver.pass();

    assertThat(decision.status().canaryRevision).isEqualTo("rev-b");
    assertThat(decision.status().currentStepIndex).isZero();
    assertThat(decision.actions()).isEmpty();
  }

  @Test
  void fixedSpecClearsInvalidSpecCondition() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    withWrongSelector(driver.rollout());
    driver.pass();

    driver.rollout().getSpec().selector.setMatchLabels(Map.of("app", "demo"));
    driver.pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Healthy);
    assertThat(invalidSpecCondition(driver).getStatus()).isEqualTo("False");
    assertThat(invalidSpecCondition(driver).getReason()).isEqualTo(Reasons.SPEC_VALID);
  }
}
