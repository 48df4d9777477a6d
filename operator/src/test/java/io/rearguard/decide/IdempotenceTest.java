package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Repeated decisions on the same input, a rollout at rest, and restarts from stored status. */
class IdempotenceTest {
  private final MutableClock clock = new MutableClock();

  /** Returns canary rev-b at step 1/3 with its 2 pods ready and a promote command pending. */
  private Driver busyCanary() {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), pause("1m"), setWeight(50)).build(), "rev-a", clock);
    driver.changeTemplate("rev-b").pass();
    driver.command(RolloutCommandSpec.Action.PROMOTE);
    return driver;
  }

  @Test
  void sameInputGivesEqualDecisions() {
    Driver driver = busyCanary();
    Observation observation = driver.observe();

    Decision first = RolloutDecider.decide(driver.rollout(), observation, clock);
    Decision second = RolloutDecider.decide(driver.rollout(), observation, clock);

    assertThat(Driver.json(second.status())).isEqualTo(Driver.json(first.status()));
    assertThat(second.actions()).isEqualTo(first.actions());
    assertThat(second.transitions()).isEqualTo(first.transitions());
    assertThat(second.requeueAfter()).isEqualTo(first.requeueAfter());
  }

  @Test
  void decideLeavesRolloutUnchanged() {
    Driver driver = busyCanary();
    String before = Driver.json(driver.rollout());

    RolloutDecider.decide(driver.rollout(), driver.observe(), clock);

    assertThat(Driver.json(driver.rollout())).isEqualTo(before);
  }

  @Test
  void healthyRolloutAtRestDecidesNothing() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    RolloutStatus before = driver.status();

    Decision decision = driver.advance(Duration.ofMinutes(10)).pass();

    assertThat(decision.actions()).isEmpty();
    assertThat(decision.transitions()).isEmpty();
    assertThat(StatusCopier.sameContent(before, decision.status())).isTrue();
  }

  @Test
  void healthyRolloutAtRestRequeuesWhenIdle() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);

    Decision decision = driver.pass();

    assertThat(decision.requeueAfter()).isEqualTo(RolloutDecider.IDLE_REQUEUE);
  }

  @Test
  void promotedRolloutAtRestDecidesNothing() {
    Driver driver = Driver.healthy(rollout().steps(setWeight(50)).build(), "rev-a", clock);
    driver.changeTemplate("rev-b").runUntil(Driver::isHealthy, 10);
    driver.pass();
    RolloutStatus before = driver.status();

    Decision decision = driver.advance(Duration.ofMinutes(10)).pass();

    assertThat(decision.actions()).isEmpty();
    assertThat(decision.transitions()).isEmpty();
    assertThat(StatusCopier.sameContent(before, decision.status())).isTrue();
  }

  @Test
  void restartResumesAtSameStep() {
    Driver driver = busyCanary();
    driver.pass();
    RolloutStatus stored = driver.status();

    driver.restartFromStoredStatus();
    Decision decision = driver.pass();

    assertThat(decision.status().currentStepIndex).isEqualTo(stored.currentStepIndex);
    assertThat(decision.status().stepStartTime).isEqualTo(stored.stepStartTime);
    assertThat(decision.transitions()).isEmpty();
  }

  @Test
  void restartKeepsTimedPauseEnd() {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), pause("1m"), setWeight(50)).build(), "rev-a", clock);
    driver.changeTemplate("rev-b").pass();
    driver.pass();
    driver.advance(Duration.ofSeconds(40)).pass();

    driver.restartFromStoredStatus();
    Decision decision = driver.advance(Duration.ofSeconds(20)).pass();

    assertThat(decision.status().currentStepIndex).isEqualTo(2);
  }

  @Test
  void restartKeepsAnalysisCounts() {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), analysis(metric("errors")), setWeight(50)).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b").pass();
    driver.pass();
    for (int i = 0; i < 2; i++) {
      driver.advance(Duration.ofSeconds(10));
      driver.queueMeasurement(
          Observations.stepMeasurement(
              "errors", 1, MeasurementOutcome.Successful, clock.instant()));
      driver.pass();
    }

    driver.restartFromStoredStatus();
    driver.queueMeasurement(
        Observations.stepMeasurement("errors", 1, MeasurementOutcome.Successful, clock.instant()));
    driver.advance(Duration.ofSeconds(10)).pass();

    assertThat(driver.status().currentStepIndex).isEqualTo(2);
  }

  @Test
  void restartDoesNotRepeatExecutedCommand() {
    Driver driver = busyCanary();
    var promote = driver.observe().commands().get(0);
    driver.pass();
    Integer stepAfterPromote = driver.status().currentStepIndex;

    driver.restartFromStoredStatus();
    Decision decision =
        RolloutDecider.decide(
            driver.rollout(),
            Observations.desired("rev-b")
                .revision("rev-a", 8, 8)
                .revision("rev-b", 5, 5)
                .command(promote)
                .build(),
            clock);

    assertThat(decision.status().currentStepIndex).isEqualTo(stepAfterPromote);
    assertThat(decision.transitions()).isEmpty();
  }
}
