package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.metric;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnalysisEvaluatorTest {

  private static MetricRun record(MetricSpec metric, boolean step, MeasurementOutcome... outcomes) {
    MetricRun run = new MetricRun();
    run.name = metric.name;
    run.phase = AnalysisSchedule.RUNNING;
    for (MeasurementOutcome outcome : outcomes) {
      AnalysisEvaluator.record(
          run, metric, Observations.measurement(outcome, MutableClock.START), step);
    }
    return run;
  }

  private static MetricRun runInPhase(String phase) {
    MetricRun run = new MetricRun();
    run.name = phase.toLowerCase();
    run.phase = phase;
    return run;
  }

  @ParameterizedTest
  @CsvSource({
    "Successful, Error, Successful",
    "Failed, Error, Failed",
    "Error, Error, Error",
    "Inconclusive, Error, Inconclusive",
    "NoData, Error, Error",
    "NoData, Failed, Failed",
    "NoData, Inconclusive, Inconclusive",
  })
  void outcomeCountsAsPolicyStates(
      MeasurementOutcome outcome, MetricSpec.NoDataPolicy policy, MeasurementOutcome expected) {
    MeasurementOutcome counted = AnalysisEvaluator.countedAs(outcome, policy);

    assertThat(counted).isEqualTo(expected);
  }

  @Test
  void noDataWithoutPolicyCountsAsError() {
    MeasurementOutcome counted = AnalysisEvaluator.countedAs(MeasurementOutcome.NoData, null);

    assertThat(counted).isEqualTo(MeasurementOutcome.Error);
  }

  @Test
  void recordCountsEachOutcome() {
    MetricSpec metric =
        metric(
            "errors",
            m -> {
              m.count = 100;
              m.failureLimit = 10;
              m.inconclusiveLimit = 10;
              m.consecutiveErrorLimit = 10;
            });

    MetricRun run =
        record(
            metric,
            true,
            MeasurementOutcome.Successful,
            MeasurementOutcome.Failed,
            MeasurementOutcome.Error,
            MeasurementOutcome.Inconclusive,
            MeasurementOutcome.NoData);

    assertThat(run.count).isEqualTo(5);
    assertThat(run.successful).isEqualTo(1);
    assertThat(run.failed).isEqualTo(1);
    assertThat(run.errors).isEqualTo(2);
    assertThat(run.inconclusive).isEqualTo(1);
    assertThat(run.noData).isEqualTo(1);
    assertThat(run.consecutiveErrors).isEqualTo(1);
  }

  @Test
  void recordKeepsLastTenMeasurements() {
    MetricSpec metric = metric("errors", m -> m.count = 100);
    MeasurementOutcome[] outcomes = new MeasurementOutcome[12];
    java.util.Arrays.fill(outcomes, MeasurementOutcome.Successful);

    MetricRun run = record(metric, true, outcomes);

    assertThat(run.measurements).hasSize(AnalysisEvaluator.KEPT_MEASUREMENTS);
    assertThat(run.count).isEqualTo(12);
  }

  @Test
  void stepRunPassesWhenCountReachedWithSuccesses() {
    MetricRun run =
        record(
            metric("errors"),
            true,
            MeasurementOutcome.Successful,
            MeasurementOutcome.Successful,
            MeasurementOutcome.Successful);

    assertThat(run.phase).isEqualTo(MeasurementOutcome.Successful.name());
  }

  @Test
  void stepRunOfHalfErrorsEndsInError() {
    MetricSpec metric = metric("errors", m -> m.count = 4);

    MetricRun run =
        record(
            metric,
            true,
            MeasurementOutcome.Error,
            MeasurementOutcome.Successful,
            MeasurementOutcome.Error,
            MeasurementOutcome.Successful);

    assertThat(run.phase).isEqualTo(MeasurementOutcome.Error.name());
  }

  @Test
  void backgroundRunNeverPasses() {
    MeasurementOutcome[] outcomes = new MeasurementOutcome[20];
    java.util.Arrays.fill(outcomes, MeasurementOutcome.Successful);

    MetricRun run = record(metric("errors"), false, outcomes);

    assertThat(run.phase).isEqualTo(AnalysisSchedule.RUNNING);
  }

  @Test
  void failedLimitIsCheckedBeforeCount() {
    MetricRun run =
        record(
            metric("errors"),
            true,
            MeasurementOutcome.Successful,
            MeasurementOutcome.Successful,
            MeasurementOutcome.Failed);

    assertThat(run.phase).isEqualTo(MeasurementOutcome.Failed.name());
  }

  @Test
  void worstPhaseWinsAcrossRuns() {
    List<MetricRun> runs =
        List.of(
            runInPhase("Successful"),
            runInPhase("Inconclusive"),
            runInPhase("Failed"),
            runInPhase("Error"),
            runInPhase("Running"));

    String worst = AnalysisEvaluator.worst(runs);

    assertThat(worst).isEqualTo("Failed");
  }

  @Test
  void runningOutweighsSuccessful() {
    List<MetricRun> runs = List.of(runInPhase("Successful"), runInPhase("Running"));

    String worst = AnalysisEvaluator.worst(runs);

    assertThat(worst).isEqualTo("Running");
  }

  @Test
  void errorOutweighsInconclusive() {
    List<MetricRun> runs = List.of(runInPhase("Inconclusive"), runInPhase("Error"));

    String worst = AnalysisEvaluator.worst(runs);

    assertThat(worst).isEqualTo("Error");
  }
}
