package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StepProgressionTest {
  private final MutableClock clock = new MutableClock();

  /** Returns a driver at rest on rev-a whose template has just changed to rev-b. */
  private Driver newTemplate(Rollout rollout) {
    Driver driver = Driver.healthy(rollout, "rev-a", clock);
    driver.changeTemplate("rev-b");
    return driver;
  }

  @Test
  void newTemplateStartsCanaryAtFirstStep() {
    Driver driver =
        newTemplate(rollout().steps(setWeight(20), pause("30s"), setWeight(50)).build());

    Decision decision = driver.pass();

    assertThat(decision.status().canaryRevision).isEqualTo("rev-b");
    assertThat(decision.status().currentStepIndex).isZero();
    assertThat(decision.status().step).isEqualTo("1/3");
    assertThat(decision.status().canaryWeight).isEqualTo(20);
    assertThat(decision.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(decision.transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.CANARY_STARTED, Reasons.REHEARSAL_PASSED);
  }

  @Test
  void canaryGetsCeilingOfWeightShare() {
    Driver driver = newTemplate(rollout().replicas(3).steps(setWeight(50)).build());

    Decision decision = driver.pass();

    assertThat(decision.actions()).contains(new Action.ScaleRevision("rev-b", 2));
  }

  @Test
  void stableKeepsReplicasUntilCanaryPodsReady() {
    Driver driver = newTemplate(rollout().replicas(10).steps(setWeight(20)).build());

    Decision decision = driver.pass();

    assertThat(decision.actions())
        .noneMatch(a -> a instanceof Action.ScaleRevision s && s.revision().equals("rev-a"));
  }

  @Test
  void stableShrinksPerReadyCanaryPod() {
    Driver driver =
        newTemplate(rollout().replicas(10).steps(setWeight(30), setWeight(60)).build())
            .neverReady("rev-b");
    driver.pass();
    var observation =
        Observations.desired("rev-b").revision("rev-a", 10, 10).revision("rev-b", 3, 1).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), observation, clock);

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-a", 9));
  }

  @Test
  void readyCapacityNeverDropsBelowReplicas() {
    Driver driver =
        newTemplate(
                rollout().replicas(10).steps(setWeight(30), setWeight(70), setWeight(20)).build())
            .readyPerPass(1);

    driver.runUntil(Driver::isHealthy, 200);

    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
    assertThat(driver.minReadyAfterActions()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void weightStepWaitsForCanaryPods() {
    Driver driver = newTemplate(rollout().replicas(10).steps(setWeight(20), setWeight(50)).build());
    driver.pass();
    var oneReady =
        Observations.desired("rev-b").revision("rev-a", 10, 10).revision("rev-b", 2, 1).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), oneReady, clock);

    assertThat(decision.status().currentStepIndex).isZero();
  }

  @Test
  void weightStepCompletesWhenCanaryPodsReady() {
    Driver driver = newTemplate(rollout().replicas(10).steps(setWeight(20), setWeight(50)).build());
    driver.pass();
    var twoReady =
        Observations.desired("rev-b").revision("rev-a", 10, 10).revision("rev-b", 2, 2).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), twoReady, clock);

    assertThat(decision.status().currentStepIndex).isEqualTo(1);
    assertThat(decision.status().canaryWeight).isEqualTo(50);
    assertThat(decision.transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.STEP_COMPLETED);
  }

  @Test
  void timedPauseHoldsBeforeItsDuration() {
    Driver driver =
        newTemplate(rollout().steps(setWeight(20), pause("10s"), setWeight(50)).build());
    driver.pass();
    driver.pass();
    Instant pauseStart = clock.instant();

    driver.advance(Duration.ofSeconds(9)).pass();

    assertThat(driver.status().currentStepIndex).isEqualTo(1);
    assertThat(driver.status().stepStartTime).isEqualTo(pauseStart.toString());
  }

  @Test
  void timedPauseCompletesAtItsDuration() {
    Driver driver =
        newTemplate(rollout().steps(setWeight(20), pause("10s"), setWeight(50)).build());
    driver.pass();
    driver.pass();

    driver.advance(Duration.ofSeconds(10)).pass();

    assertThat(driver.status().currentStepIndex).isEqualTo(2);
    assertThat(driver.status().canaryWeight).isEqualTo(50);
  }

  @Test
  void timedPauseRequeuesAtItsEnd() {
    Driver driver =
        newTemplate(rollout().steps(setWeight(20), pause("10s"), setWeight(50)).build());
    driver.pass();

    Decision atStart = driver.pass();
    Decision later = driver.advance(Duration.ofSeconds(4)).pass();

    assertThat(atStart.status().currentStepIndex).isEqualTo(1);
    assertThat(atStart.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(later.requeueAfter()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void indefinitePauseHoldsRolloutPaused() {
    Driver driver =
        newTemplate(rollout().steps(setWeight(20), pauseIndefinitely(), setWeight(50)).build());
    driver.pass();
    driver.pass();

    driver.advance(Duration.ofHours(3)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_STEP);
    assertThat(driver.status().currentStepIndex).isEqualTo(1);
  }

  @Test
  void indefinitePauseEndsOnPromote() {
    Driver driver =
        newTemplate(rollout().steps(setWeight(20), pauseIndefinitely(), setWeight(50)).build());
    driver.pass();
    driver.pass();

    driver.command(RolloutCommandSpec.Action.PROMOTE);
    driver.pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(driver.status().pauseReason).isNull();
    assertThat(driver.status().currentStepIndex).isEqualTo(2);
  }

  @Test
  void canaryScalesToReplicasAfterLastStep() {
    Driver driver = newTemplate(rollout().replicas(10).steps(setWeight(20)).build());
    driver.pass();

    Decision decision = driver.pass();

    assertThat(decision.status().currentStepIndex).isEqualTo(1);
    assertThat(decision.status().canaryWeight).isEqualTo(100);
    assertThat(decision.actions()).contains(new Action.ScaleRevision("rev-b", 10));
  }

  @Test
  void canaryWaitsForFullReplicasBeforePromotion() {
    Driver driver = newTemplate(rollout().replicas(10).steps(setWeight(20)).build());
    driver.pass();
    driver.pass();
    var nineReady =
        Observations.desired("rev-b").revision("rev-a", 2, 2).revision("rev-b", 10, 9).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), nineReady, clock);

    assertThat(decision.status().stableRevision).isEqualTo("rev-a");
    assertThat(decision.status().canaryRevision).isEqualTo("rev-b");
  }

  @Test
  void promotionMakesCanaryStable() {
    Driver driver = newTemplate(rollout().replicas(10).steps(setWeight(20), setWeight(50)).build());

    driver.runUntil(Driver::isHealthy, 20);

    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
    assertThat(driver.status().canaryRevision).isNull();
    assertThat(driver.status().currentStepIndex).isNull();
    assertThat(driver.specReplicas("rev-a")).isZero();
    assertThat(driver.specReplicas("rev-b")).isEqualTo(10);
  }

  @Test
  void promotionReportsPromotedThenHealthy() {
    Driver driver = newTemplate(rollout().replicas(10).steps(setWeight(20), setWeight(50)).build());

    driver.runUntil(d -> d.status().canaryRevision == null, 20);
    var promotion = driver.lastDecision().transitions();
    driver.runUntil(Driver::isHealthy, 5);

    assertThat(promotion).extracting(Transition::reason).containsExactly(Reasons.PROMOTED);
    assertThat(driver.lastDecision().transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.ROLLOUT_HEALTHY);
  }
}
