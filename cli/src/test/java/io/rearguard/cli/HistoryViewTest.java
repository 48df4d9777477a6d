package io.rearguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.rearguard.api.MetricEvidence;
import io.rearguard.api.RecordEvidence;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.RecordState;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryViewTest {

  private static RolloutRecord record(long sequence, String reason, String actor, String to) {
    RolloutRecordSpec spec = new RolloutRecordSpec();
    spec.rollout = "checkout";
    spec.sequence = sequence;
    spec.time = "2024-05-01T12:00:0" + sequence + "Z";
    spec.reason = reason;
    spec.actor = actor;
    spec.from = new RecordState();
    spec.from.phase = "Progressing";
    spec.from.step = "2/4";
    spec.to = new RecordState();
    spec.to.phase = to;
    spec.message = reason + " message";
    RolloutRecord record = new RolloutRecord();
    record.setMetadata(
        new ObjectMetaBuilder().withName(RolloutRecord.name("checkout", sequence)).build());
    record.setSpec(spec);
    return record;
  }

  @Test
  void recordsAreListedNewestFirst() {
    String view =
        HistoryView.render(
            "checkout",
            List.of(
                record(1, "CanaryStarted", "operator", "Progressing"),
                record(3, "AbortCommand", "command/abort-1 by oncall-alice", "Aborted"),
                record(2, "StepCompleted", "operator", "Progressing")),
            null);

    List<String> lines = view.lines().toList();
    assertThat(lines.get(0)).isEqualTo("3 records of checkout");
    assertThat(lines.get(1)).startsWith("SEQ  TIME").contains("REASON").endsWith("MESSAGE");
    assertThat(lines.get(2)).startsWith("3    2024-05-01T12:00:03Z  AbortCommand");
    assertThat(lines.get(2))
        .contains("command/abort-1 by oncall-alice")
        .contains("Progressing 2/4 -> Aborted")
        .endsWith("AbortCommand message");
    assertThat(lines.get(3)).startsWith("2 ");
    assertThat(lines.get(4)).startsWith("1 ");
  }

  @Test
  void evidenceIsShownUnderItsRecord() {
    RolloutRecord failed = record(2, "AnalysisFailed", "operator", "Aborted");
    MetricEvidence metric = new MetricEvidence();
    metric.metric = "error-ratio";
    metric.value = "0.2";
    metric.outcome = "Failed";
    metric.threshold = "max 0.05";
    metric.interval = "2s";
    metric.counts = "0 successful, 1 failed, 0 error, 0 inconclusive of 1 (0 no data)";
    metric.query = "sum(rate(x[10s]))";
    failed.getSpec().evidence = new RecordEvidence();
    failed.getSpec().evidence.metrics = List.of(metric);

    String view =
        HistoryView.render(
            "checkout",
            List.of(record(1, "CanaryStarted", "operator", "Progressing"), failed),
            null);

    List<String> lines = view.lines().toList();
    assertThat(lines.get(2)).contains("AnalysisFailed");
    assertThat(lines.get(3))
        .isEqualTo(
            "    evidence: error-ratio = 0.2 (Failed, threshold max 0.05, every 2s) 0 successful,"
                + " 1 failed, 0 error, 0 inconclusive of 1 (0 no data); query sum(rate(x[10s]))");
    assertThat(lines.get(4)).contains("CanaryStarted");
  }

  @Test
  void summaryNamesPendingAndPrunedRecords() {
    RecordHistory history = new RecordHistory();
    history.lastSequence = 12;
    history.prunedThrough = 9L;
    history.pending.add(new RolloutRecordSpec());

    String view =
        HistoryView.render(
            "checkout", List.of(record(10, "CanaryStarted", "operator", "Progressing")), history);

    assertThat(view.lines().findFirst().orElseThrow())
        .isEqualTo(
            "1 record of checkout, newest sequence 12, 1 not yet stored, sequences up to 9"
                + " deleted by retention");
  }

  @Test
  void noRecordsPrintsOnlySummary() {
    assertThat(HistoryView.render("checkout", List.of(), null))
        .isEqualTo("0 records of checkout\n");
  }
}
