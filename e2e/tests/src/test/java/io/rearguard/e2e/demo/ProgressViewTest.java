package io.rearguard.e2e.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.rearguard.api.AbortStatus;
import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.CanaryStrategy;
import io.rearguard.api.LastDecision;
import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RehearsalStatus;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.RolloutStrategy;
import io.rearguard.api.SignalsStatus;
import io.rearguard.api.Threshold;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
  private static final Instant NOW = Instant.parse("2026-12-04T10:15:30.250Z");

  private final ProgressView view = new ProgressView(ZoneOffset.UTC);

  @Test
  void statusLineShowsPhaseStepAndRevisions() {
    Rollout rollout = canaryAtStepTwo();

    Optional<String> line = view.statusLine(NOW, "v2-promote", rollout);

    assertThat(line)
        .contains(
            "10:15:30.250  v2-promote  Progressing  step 2/4  weight 25%  stable aaa111 (3 ready)"
                + "  canary bbb222 (1 ready)  | error-ratio 0 <= max 0.05 Successful (2 of 3)");
  }

  @Test
  void statusLineIsEmptyWhenNothingShownChanged() {
    Rollout rollout = canaryAtStepTwo();
    view.statusLine(NOW, "v2-promote", rollout);

    Optional<String> again = view.statusLine(NOW.plusSeconds(1), "v2-promote", rollout);

    assertThat(again).isEmpty();
  }

  @Test
  void statusLineReprintsWhenWeightChanges() {
    Rollout rollout = canaryAtStepTwo();
    view.statusLine(NOW, "v2-promote", rollout);
    rollout.getStatus().canaryWeight = 50;

    Optional<String> changed = view.statusLine(NOW.plusSeconds(1), "v2-promote", rollout);

    assertThat(changed).hasValueSatisfying(line -> assertThat(line).contains("weight 50%"));
  }

  @Test
  void failedMeasurementShowsValueAboveMax() {
    MetricRun run = run("Step", 1, "0.0812345", MeasurementOutcome.Failed, 1);

    String text = ProgressView.metricText(run, metric(0.05, null));

    assertThat(text).isEqualTo("error-ratio 0.0812 > max 0.05 Failed (1 of 3)");
  }

  @Test
  void backgroundRunCountsTakenMeasurements() {
    MetricRun run = run("Background", null, "0.01", MeasurementOutcome.Successful, 7);

    String text = ProgressView.metricText(run, metric(0.05, null));

    assertThat(text).isEqualTo("error-ratio 0.01 <= max 0.05 Successful (7 taken)");
  }

  @Test
  void minThresholdComparesBelowAndAbove() {
    Threshold min = new Threshold();
    min.min = 0.99;

    assertThat(ProgressView.comparison(0.5, min)).isEqualTo(" < min 0.99");
    assertThat(ProgressView.comparison(0.995, min)).isEqualTo(" >= min 0.99");
  }

  @Test
  void measurementWithoutValueShowsNotAvailable() {
    MetricRun run = run("Step", 1, null, MeasurementOutcome.NoData, 1);

    String text = ProgressView.metricText(run, metric(0.05, null));

    assertThat(text).isEqualTo("error-ratio n/a NoData (1 of 3)");
  }

  @Test
  void errorMeasurementShowsItsMessage() {
    MetricRun run = run("Step", 1, null, MeasurementOutcome.Error, 2);
    run.measurements.get(0).message = "query failed: connection refused";

    String text = ProgressView.metricText(run, metric(0.05, null));

    assertThat(text).isEqualTo("error-ratio n/a Error (2 of 3): query failed: connection refused");
  }

  @Test
  void longErrorMessageIsCut() {
    MetricRun run = run("Background", null, null, MeasurementOutcome.Error, 1);
    run.measurements.get(0).message = "x".repeat(500);

    String text = ProgressView.metricText(run, metric(0.05, null));

    assertThat(text).endsWith("x...");
    assertThat(text).hasSize("error-ratio n/a Error (1 taken): ".length() + 120);
  }

  @Test
  void metricWithoutMeasurementSaysSo() {
    MetricRun run = new MetricRun();
    run.name = "latency-p99";
    run.scope = "Background";

    assertThat(ProgressView.metricText(run, null)).isEqualTo("latency-p99 not measured yet");
  }

  @Test
  void numbersKeepThreeSignificantDigits() {
    assertThat(ProgressView.number(0.09167625623321828)).isEqualTo("0.0917");
    assertThat(ProgressView.number(250.4)).isEqualTo("250");
    assertThat(ProgressView.number(0)).isEqualTo("0");
    assertThat(ProgressView.number(1)).isEqualTo("1");
    assertThat(ProgressView.number(Double.NaN)).isEqualTo("NaN");
  }

  @Test
  void abortedStatusNamesTheAbortReason() {
    Rollout rollout = canaryAtStepTwo();
    rollout.getStatus().phase = RolloutPhase.Aborted;
    rollout.getStatus().canaryWeight = 0;
    rollout.getStatus().abort = new AbortStatus();
    rollout.getStatus().abort.reason = "AnalysisFailed";

    assertThat(ProgressView.statusText(rollout))
        .startsWith("Aborted  step 2/4  weight 0%")
        .contains("aborted: AnalysisFailed");
  }

  @Test
  void rolloutWithoutStatusSaysSo() {
    assertThat(ProgressView.statusText(new Rollout())).isEqualTo("no status yet");
  }

  @Test
  void decisionLineShowsReasonActorAndMessage() {
    LastDecision decision = decision("AbortCommand", "command/abort-v4 by oncall-alice", "m");

    Optional<String> line = view.decisionLine("v4-abort", decision);

    assertThat(line)
        .contains(
            "10:15:29.500  v4-abort  decision AbortCommand by command/abort-v4 by oncall-alice: m");
  }

  @Test
  void decisionLinePrintsEachDecisionOnce() {
    LastDecision decision = decision("Promoted", "operator", "Stable moved from a to b");
    view.decisionLine("v2-promote", decision);

    assertThat(view.decisionLine("v2-promote", decision)).isEmpty();
  }

  @Test
  void eventLineSkipsEventOfShownDecision() {
    view.decisionLine("v2-promote", decision("Promoted", "operator", "Stable moved from a to b"));

    Optional<String> line =
        view.eventLine("v2-promote", event("uid-1", "Promoted", "Stable moved from a to b"));

    assertThat(line).isEmpty();
  }

  @Test
  void eventLinePrintsEachEventOnce() {
    Event event = event("uid-2", "StepCompleted", "Canary moved from step 1/4 to step 2/4");

    Optional<String> first = view.eventLine("v2-promote", event);
    Optional<String> second = view.eventLine("v2-promote", event);

    assertThat(first)
        .contains(
            "10:15:29      v2-promote  event Normal StepCompleted: Canary moved from step 1/4 to"
                + " step 2/4");
    assertThat(second).isEmpty();
  }

  @Test
  void recordLineAlignsItsColumns() {
    RolloutRecordSpec record = new RolloutRecordSpec();
    record.sequence = 7L;
    record.time = "2026-12-04T10:15:29.500Z";
    record.reason = "AbortCommand";
    record.actor = "command/abort-v4 by oncall-alice";
    record.message = "Canary bbb222 aborted";

    assertThat(view.recordLine(record))
        .isEqualTo(
            "   7  10:15:29.500  AbortCommand          command/abort-v4 by oncall-alice    Canary"
                + " bbb222 aborted");
  }

  @Test
  void statusLineShowsBurnRatesAfterMetrics() {
    Rollout rollout = canaryAtStepTwo();
    rollout.getStatus().signals = new SignalsStatus();
    rollout.getStatus().signals.burnRates.add(burn("41.23", "39.81", MeasurementOutcome.Failed));

    Optional<String> line = view.statusLine(NOW, "v5-burn-rate", rollout);

    assertThat(line)
        .hasValueSatisfying(
            text ->
                assertThat(text)
                    .endsWith(
                        "Successful (2 of 3)  | burn-rate fast (30s/10s) canary 41.2/39.8 > 20,"
                            + " stable 0/0.05 <= 20: Failed"));
  }

  @Test
  void statusLineReprintsWhenBurnRateChanges() {
    Rollout rollout = canaryAtStepTwo();
    rollout.getStatus().signals = new SignalsStatus();
    rollout.getStatus().signals.burnRates.add(burn("0", "0", MeasurementOutcome.Successful));
    view.statusLine(NOW, "v2-promote", rollout);
    rollout.getStatus().signals.burnRates.get(0).canaryShort = "2.5";

    Optional<String> changed = view.statusLine(NOW.plusSeconds(1), "v2-promote", rollout);

    assertThat(changed)
        .hasValueSatisfying(text -> assertThat(text).contains("canary 0/2.5 <= 20, stable"));
  }

  @Test
  void rehearsalLineShowsPassedDrillOnce() {
    Rollout rollout = canaryAtStepTwo();
    rollout.getSpec().rehearsal = new RehearsalSpec();
    rollout.getSpec().rehearsal.maxRollbackSeconds = 30;
    rollout.getStatus().rehearsal = rehearsal("Passed", 1.0236);

    Optional<String> first = view.rehearsalLine("v2-promote", rollout);
    Optional<String> second = view.rehearsalLine("v2-promote", rollout);

    assertThat(first)
        .contains(
            "10:15:29.500  v2-promote  rehearsal of canary bbb222: Drill Passed in 1.02 s (max 30"
                + " s)");
    assertThat(second).isEmpty();
  }

  @Test
  void rehearsalLineIsEmptyWhileDrilling() {
    Rollout rollout = canaryAtStepTwo();
    rollout.getStatus().rehearsal = rehearsal("Drilling", null);

    assertThat(view.rehearsalLine("v2-promote", rollout)).isEmpty();
  }

  @Test
  void rehearsalLineOfNextCanaryIsShown() {
    Rollout rollout = canaryAtStepTwo();
    rollout.getStatus().rehearsal = rehearsal("Passed", 1.0);
    view.rehearsalLine("v2-promote", rollout);
    rollout.getStatus().canaryRevision = "ccc333";

    Optional<String> next = view.rehearsalLine("v3-rollback", rollout);

    assertThat(next)
        .hasValueSatisfying(text -> assertThat(text).contains("rehearsal of canary ccc333"));
  }

  private static Rollout canaryAtStepTwo() {
    Rollout rollout = new Rollout();
    CanaryStep analysisStep = new CanaryStep();
    analysisStep.analysis = new AnalysisSpec();
    analysisStep.analysis.metrics = List.of(metric(0.05, null));
    CanaryStep weightStep = new CanaryStep();
    weightStep.setWeight = 25;
    rollout.getSpec().strategy = new RolloutStrategy();
    rollout.getSpec().strategy.canary = new CanaryStrategy();
    rollout.getSpec().strategy.canary.steps = List.of(weightStep, analysisStep);
    RolloutStatus status = new RolloutStatus();
    status.phase = RolloutPhase.Progressing;
    status.step = "2/4";
    status.canaryWeight = 25;
    status.stableRevision = "aaa111";
    status.stableReadyReplicas = 3;
    status.canaryRevision = "bbb222";
    status.canaryReadyReplicas = 1;
    status.analysis.add(run("Step", 1, "0", MeasurementOutcome.Successful, 2));
    rollout.setStatus(status);
    return rollout;
  }

  private static MetricSpec metric(Double max, Double min) {
    MetricSpec metric = new MetricSpec();
    metric.name = "error-ratio";
    metric.count = 3;
    metric.threshold = new Threshold();
    metric.threshold.max = max;
    metric.threshold.min = min;
    return metric;
  }

  private static MetricRun run(
      String scope, Integer stepIndex, String value, MeasurementOutcome outcome, int count) {
    MetricRun run = new MetricRun();
    run.name = "error-ratio";
    run.scope = scope;
    run.stepIndex = stepIndex;
    run.count = count;
    Measurement measurement = new Measurement();
    measurement.value = value;
    measurement.outcome = outcome;
    run.measurements.add(measurement);
    return run;
  }

  private static SignalsStatus.BurnRateStatus burn(
      String canaryLong, String canaryShort, MeasurementOutcome outcome) {
    SignalsStatus.BurnRateStatus burn = new SignalsStatus.BurnRateStatus();
    burn.name = "fast";
    burn.threshold = 20.0;
    burn.windows = "30s/10s";
    burn.canaryLong = canaryLong;
    burn.canaryShort = canaryShort;
    burn.stableLong = "0.000";
    burn.stableShort = "0.05000";
    burn.outcome = outcome;
    return burn;
  }

  private static RehearsalStatus rehearsal(String phase, Double seconds) {
    RehearsalStatus rehearsal = new RehearsalStatus();
    rehearsal.mode = RehearsalSpec.Mode.Drill;
    rehearsal.phase = phase;
    rehearsal.seconds = seconds;
    rehearsal.count = 1;
    rehearsal.endTime = "2026-12-04T10:15:29.500Z";
    return rehearsal;
  }

  private static LastDecision decision(String reason, String actor, String message) {
    LastDecision decision = new LastDecision();
    decision.time = "2026-12-04T10:15:29.500Z";
    decision.reason = reason;
    decision.actor = actor;
    decision.message = message;
    return decision;
  }

  private static Event event(String uid, String reason, String message) {
    return new EventBuilder()
        .withNewMetadata()
        .withName("checkout." + uid)
        .withUid(uid)
        .endMetadata()
        .withType("Normal")
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp("2026-12-04T10:15:29Z")
        .withLastTimestamp("2026-12-04T10:15:29Z")
        .build();
  }
}
