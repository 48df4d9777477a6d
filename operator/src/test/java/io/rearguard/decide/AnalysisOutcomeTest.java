package io.rearguard.decide;

import static io.rearguard.api.MeasurementOutcome.Error;
import static io.rearguard.api.MeasurementOutcome.Failed;
import static io.rearguard.api.MeasurementOutcome.Inconclusive;
import static io.rearguard.api.MeasurementOutcome.NoData;
import static io.rearguard.api.MeasurementOutcome.Successful;
import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.analysisSpec;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Step analysis: how measurement outcomes complete, abort or pause the analysis step. */
class AnalysisOutcomeTest {
  private static final int ANALYSIS_STEP = 1;

  private final MutableClock clock = new MutableClock();

  /** Returns a driver whose canary rev-b is at step 2/3, an analysis step. */
  private Driver atAnalysisStep(AnalysisSpec analysis) {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), analysis(analysis), setWeight(50)).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP);
    return driver;
  }

  private Driver atAnalysisStep(MetricSpec... metrics) {
    return atAnalysisStep(analysisSpec(metrics));
  }

  /** Feeds one measurement of a metric per pass, ten seconds apart. */
  private static void measure(Driver driver, String metric, MeasurementOutcome... outcomes) {
    for (MeasurementOutcome outcome : outcomes) {
      driver.advance(Duration.ofSeconds(10));
      driver.queueMeasurement(
          Observations.stepMeasurement(metric, ANALYSIS_STEP, outcome, driver.clock().instant()));
      driver.pass();
    }
  }

  private static MetricRun run(Driver driver, String metric) {
    return AnalysisSchedule.findRun(driver.status(), AnalysisSchedule.STEP, ANALYSIS_STEP, metric)
        .orElseThrow();
  }

  @Test
  void analysisHoldsStepUntilCountReached() {
    Driver driver = atAnalysisStep(metric("errors"));

    measure(driver, "errors", Successful, Successful);

    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP);
    assertThat(run(driver, "errors").phase).isEqualTo(AnalysisSchedule.RUNNING);
  }

  @Test
  void analysisPassesAfterCountSuccessfulMeasurements() {
    Driver driver = atAnalysisStep(metric("errors"));

    measure(driver, "errors", Successful, Successful, Successful);

    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP + 1);
    assertThat(driver.lastDecision().transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.STEP_COMPLETED);
  }

  @Test
  void oneFailedMeasurementAbortsAtOnce() {
    Driver driver = atAnalysisStep(metric("errors"));

    measure(driver, "errors", Failed);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_FAILED);
    assertThat(driver.status().canaryWeight).isZero();
  }

  @Test
  void failedAbortRecordsQueryAndValue() {
    Driver driver = atAnalysisStep(metric("errors"));

    measure(driver, "errors", Failed);

    String message = driver.status().abort.message;
    assertThat(message).contains(Observations.measurement(Failed, clock.instant()).query);
    assertThat(message).contains("value 0.9");
    assertThat(message).contains("metric errors");
  }

  @Test
  void failuresWithinLimitHoldTheStep() {
    Driver driver = atAnalysisStep(metric("errors", m -> m.failureLimit = 1));

    measure(driver, "errors", Failed);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP);
  }

  @Test
  void errorsWithinLimitHoldTheStep() {
    Driver driver =
        atAnalysisStep(
            metric(
                "errors",
                m -> {
                  m.count = 10;
                  m.consecutiveErrorLimit = 2;
                }));

    measure(driver, "errors", Error, Error);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(run(driver, "errors").consecutiveErrors).isEqualTo(2);
  }

  @Test
  void consecutiveErrorsBeyondLimitAbort() {
    Driver driver =
        atAnalysisStep(
            metric(
                "errors",
                m -> {
                  m.count = 10;
                  m.consecutiveErrorLimit = 2;
                }));

    measure(driver, "errors", Error, Error, Error);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_ERROR);
  }

  @Test
  void successResetsConsecutiveErrors() {
    Driver driver =
        atAnalysisStep(
            metric(
                "errors",
                m -> {
                  m.count = 10;
                  m.consecutiveErrorLimit = 2;
                }));

    measure(driver, "errors", Error, Error, Successful, Error, Error);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(run(driver, "errors").errors).isEqualTo(4);
  }

  @Test
  void consecutiveErrorsPauseWhenOnErrorIsPause() {
    MetricSpec errors =
        metric(
            "errors",
            m -> {
              m.count = 10;
              m.consecutiveErrorLimit = 2;
            });
    Driver driver = atAnalysisStep(analysisSpec(AnalysisSpec.ErrorPolicy.Pause, errors));

    measure(driver, "errors", Error, Error, Error);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.ANALYSIS_ERROR);
    assertThat(driver.status().abort).isNull();
  }

  @Test
  void noDataCountsAsFailedUnderFailedPolicy() {
    Driver driver =
        atAnalysisStep(metric("errors", m -> m.noData = MetricSpec.NoDataPolicy.Failed));

    measure(driver, "errors", NoData);

    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_FAILED);
  }

  @Test
  void noDataCountsAsInconclusiveUnderInconclusivePolicy() {
    Driver driver =
        atAnalysisStep(metric("errors", m -> m.noData = MetricSpec.NoDataPolicy.Inconclusive));

    measure(driver, "errors", NoData);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.INCONCLUSIVE_ANALYSIS);
  }

  @Test
  void noDataCountsAsErrorByDefault() {
    Driver driver = atAnalysisStep(metric("errors", m -> m.count = 10));

    measure(driver, "errors", NoData, NoData);

    assertThat(run(driver, "errors").errors).isEqualTo(2);
    assertThat(run(driver, "errors").noData).isEqualTo(2);
    assertThat(run(driver, "errors").successful).isZero();
  }

  @Test
  void noDataNeverPassesTheStep() {
    Driver driver =
        atAnalysisStep(
            metric(
                "errors",
                m -> {
                  m.count = 3;
                  m.consecutiveErrorLimit = 10;
                }));

    measure(driver, "errors", NoData, NoData, NoData);

    assertThat(run(driver, "errors").phase).isEqualTo(MeasurementOutcome.Error.name());
    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP);
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_ERROR);
  }

  @Test
  void runMostlyOfErrorsEndsInError() {
    Driver driver = atAnalysisStep(metric("errors", m -> m.count = 3));

    measure(driver, "errors", Error, Successful, Error);

    assertThat(run(driver, "errors").phase).isEqualTo(MeasurementOutcome.Error.name());
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_ERROR);
  }

  @Test
  void inconclusiveWithinLimitHoldsTheStep() {
    Driver driver = atAnalysisStep(metric("errors", m -> m.inconclusiveLimit = 1));

    measure(driver, "errors", Inconclusive);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }

  @Test
  void inconclusiveBeyondLimitPauses() {
    Driver driver = atAnalysisStep(metric("errors", m -> m.inconclusiveLimit = 1));

    measure(driver, "errors", Inconclusive, Inconclusive);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.INCONCLUSIVE_ANALYSIS);
    assertThat(driver.lastDecision().transitions())
        .extracting(Transition::warning)
        .containsExactly(true);
  }

  @Test
  void failedMetricOutweighsInconclusiveMetric() {
    Driver driver = atAnalysisStep(metric("latency"), metric("errors"));
    driver.queueMeasurement(
        Observations.stepMeasurement("latency", ANALYSIS_STEP, Inconclusive, clock.instant()));
    driver.queueMeasurement(
        Observations.stepMeasurement("errors", ANALYSIS_STEP, Failed, clock.instant()));

    driver.pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_FAILED);
  }

  @Test
  void inconclusiveMetricOutweighsPassedMetric() {
    Driver driver = atAnalysisStep(metric("latency"), metric("errors"));

    measure(driver, "latency", Successful, Successful, Successful);
    measure(driver, "errors", Inconclusive);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP);
  }

  @Test
  void stepWaitsForEveryMetricToPass() {
    Driver driver = atAnalysisStep(metric("latency"), metric("errors"));

    measure(driver, "latency", Successful, Successful, Successful);
    measure(driver, "errors", Successful, Successful);

    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP);
  }

  @Test
  void stepCompletesWhenEveryMetricPassed() {
    Driver driver = atAnalysisStep(metric("latency"), metric("errors"));

    measure(driver, "latency", Successful, Successful, Successful);
    measure(driver, "errors", Successful, Successful, Successful);

    assertThat(driver.status().currentStepIndex).isEqualTo(ANALYSIS_STEP + 1);
  }

  @Test
  void measurementOfAnotherStepIsIgnored() {
    Driver driver = atAnalysisStep(metric("errors"));
    driver.queueMeasurement(
        Observations.stepMeasurement("errors", ANALYSIS_STEP + 1, Failed, clock.instant()));

    driver.pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(driver.status().analysis).isEmpty();
  }
}
