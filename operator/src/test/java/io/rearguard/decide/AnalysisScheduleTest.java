package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.analysisSpec;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnalysisScheduleTest {
  private final MutableClock clock = new MutableClock();

  /** Returns a driver at the analysis step 2/2 of canary rev-b, with a 30s metric. */
  private Driver atAnalysisStep() {
    Driver driver =
        Driver.healthy(
            rollout()
                .steps(setWeight(20), analysis(metric("errors", m -> m.interval = "30s")))
                .build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    return driver;
  }

  private static java.util.List<String> dueNames(Driver driver, Instant now) {
    return AnalysisSchedule.due(driver.rollout().getSpec(), driver.status(), now).stream()
        .map(due -> due.metric().name)
        .toList();
  }

  @Test
  void unmeasuredMetricIsDueAtOnce() {
    Driver driver = atAnalysisStep();

    assertThat(dueNames(driver, clock.instant())).containsExactly("errors");
  }

  @Test
  void unmeasuredMetricRequeuesImmediately() {
    Driver driver = atAnalysisStep();

    assertThat(driver.lastDecision().requeueAfter()).isEqualTo(Duration.ZERO);
  }

  @Test
  void measuredMetricWaitsForItsInterval() {
    Driver driver = atAnalysisStep().measureDueWith(due -> MeasurementOutcome.Successful);
    driver.pass();
    Instant measured = clock.instant();

    assertThat(dueNames(driver, measured.plusSeconds(29))).isEmpty();
    assertThat(dueNames(driver, measured.plusSeconds(30))).containsExactly("errors");
  }

  @Test
  void nextDueIsOneIntervalAfterMeasurement() {
    Driver driver = atAnalysisStep().measureDueWith(due -> MeasurementOutcome.Successful);

    driver.pass();

    assertThat(AnalysisSchedule.nextDue(driver.rollout().getSpec(), driver.status()))
        .contains(clock.instant().plusSeconds(30));
  }

  @Test
  void requeueWaitsAtMostActiveRequeue() {
    Driver driver = atAnalysisStep().measureDueWith(due -> MeasurementOutcome.Successful);

    Decision decision = driver.pass();

    assertThat(decision.requeueAfter()).isEqualTo(RolloutDecider.ACTIVE_REQUEUE);
  }

  @Test
  void pausedStepAnalysisIsNotDue() {
    Driver driver = atAnalysisStep();
    driver.command(RolloutCommandSpec.Action.PAUSE);
    driver.pass();

    assertThat(dueNames(driver, clock.instant().plusSeconds(3600))).isEmpty();
  }

  @Test
  void abortedCanaryHasNothingDue() {
    Driver driver = atAnalysisStep();
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.pass();

    assertThat(dueNames(driver, clock.instant().plusSeconds(3600))).isEmpty();
  }

  @Test
  void finishedRunIsNotDue() {
    Driver driver =
        Driver.healthy(
            rollout()
                .steps(
                    setWeight(20),
                    analysis(
                        analysisSpec(
                            metric("errors", m -> m.count = 1),
                            metric("latency", m -> m.count = 5))))
                .build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    driver.measureDueWith(due -> MeasurementOutcome.Successful);

    driver.pass();

    assertThat(dueNames(driver, clock.instant().plusSeconds(3600))).containsExactly("latency");
  }
}
