package io.rearguard.decide;

import static io.rearguard.api.MeasurementOutcome.Error;
import static io.rearguard.api.MeasurementOutcome.Failed;
import static io.rearguard.api.MeasurementOutcome.Inconclusive;
import static io.rearguard.api.MeasurementOutcome.Successful;
import static io.rearguard.testkit.Rollouts.analysisSpec;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Background analysis: measured from the first step until promotion, aborting on Failed. */
class BackgroundAnalysisTest {
  private final MutableClock clock = new MutableClock();

  /** Returns a driver whose canary rev-b has just started, with background metric "errors". */
  private Driver canaryWithBackground(CanaryStep... steps) {
    Driver driver =
        Driver.healthy(
            rollout().steps(steps).backgroundAnalysis(analysisSpec(metric("errors"))).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    return driver;
  }

  private void measureBackground(Driver driver, MeasurementOutcome outcome) {
    driver.queueMeasurement(Observations.backgroundMeasurement("errors", outcome, clock.instant()));
    driver.pass();
  }

  @Test
  void backgroundFailureAbortsAtFirstStep() {
    Driver driver = canaryWithBackground(setWeight(20), setWeight(50));

    measureBackground(driver, Failed);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_FAILED);
    assertThat(driver.status().abort.stepIndex).isZero();
  }

  @Test
  void backgroundFailureAbortsAtLaterStep() {
    Driver driver = canaryWithBackground(setWeight(20), setWeight(50), setWeight(80));
    driver.pass();
    assertThat(driver.status().currentStepIndex).isEqualTo(1);

    measureBackground(driver, Failed);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().abort.stepIndex).isEqualTo(1);
  }

  @Test
  void backgroundFailureAbortsDuringIndefinitePause() {
    Driver driver = canaryWithBackground(setWeight(20), pauseIndefinitely(), setWeight(50));
    driver.pass();
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_STEP);

    driver.advance(Duration.ofMinutes(30));
    measureBackground(driver, Failed);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_FAILED);
    assertThat(driver.status().pauseReason).isNull();
  }

  @Test
  void backgroundStaysDueDuringIndefinitePause() {
    Driver driver = canaryWithBackground(setWeight(20), pauseIndefinitely(), setWeight(50));
    driver.pass();

    var due = AnalysisSchedule.due(driver.rollout().getSpec(), driver.status(), clock.instant());

    assertThat(due)
        .extracting(AnalysisSchedule.DueMetric::scope)
        .contains(AnalysisSchedule.BACKGROUND);
  }

  @Test
  void backgroundInconclusivePausesTheCanary() {
    Driver driver = canaryWithBackground(setWeight(20), setWeight(50));

    measureBackground(driver, Inconclusive);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.INCONCLUSIVE_ANALYSIS);
  }

  @Test
  void backgroundSuccessesNeverEndTheRun() {
    Driver driver = canaryWithBackground(setWeight(20), pauseIndefinitely());

    for (int i = 0; i < 5; i++) {
      driver.advance(Duration.ofSeconds(10));
      measureBackground(driver, Successful);
    }

    MetricRun run =
        AnalysisSchedule.findRun(driver.status(), AnalysisSchedule.BACKGROUND, null, "errors")
            .orElseThrow();
    assertThat(run.successful).isEqualTo(5);
    assertThat(run.phase).isEqualTo(AnalysisSchedule.RUNNING);
  }

  @Test
  void promotionClearsBackgroundRuns() {
    Driver driver = canaryWithBackground(setWeight(20), setWeight(50));
    driver.measureDueWith(due -> Successful);
    driver.pass();
    assertThat(driver.status().analysis).extracting(run -> run.scope).contains("Background");

    driver.runUntil(Driver::isHealthy, 20);

    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
    assertThat(driver.status().analysis).isEmpty();
  }

  @Test
  void promoteLiftsBackgroundErrorPause() {
    Driver driver =
        Driver.healthy(
            rollout()
                .steps(setWeight(20), pause("5m"), setWeight(50))
                .backgroundAnalysis(
                    analysisSpec(
                        AnalysisSpec.ErrorPolicy.Pause,
                        metric("errors", m -> m.consecutiveErrorLimit = 0)))
                .build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b").pass();
    measureBackground(driver, Error);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.ANALYSIS_ERROR);

    driver.command(RolloutCommandSpec.Action.PROMOTE);
    driver.pass();

    assertThat(driver.status().currentStepIndex).isEqualTo(1);
    assertThat(driver.status().pauseReason).isNull();
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }
}
