package io.rearguard.cli;

import io.rearguard.api.MetricEvidence;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.RecordState;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Renders a Rollout's records as a table, newest first, with the evidence under each. */
final class HistoryView {
  private static final String[] HEADER = {
    "SEQ", "TIME", "REASON", "ACTOR", "FROM -> TO", "MESSAGE"
  };

  private HistoryView() {}

  static String render(String rollout, List<RolloutRecord> records, RecordHistory history) {
    List<RolloutRecordSpec> specs =
        records.stream()
            .map(RolloutRecord::getSpec)
            .filter(spec -> spec != null && spec.sequence != null)
            .sorted(Comparator.comparingLong((RolloutRecordSpec spec) -> spec.sequence).reversed())
            .toList();
    StringBuilder text = new StringBuilder();
    text.append(summary(rollout, specs.size(), history)).append('\n');
    if (specs.isEmpty()) {
      return text.toString();
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (RolloutRecordSpec spec : specs) {
      rows.add(
          new String[] {
            String.valueOf(spec.sequence),
            orDash(spec.time),
            orDash(spec.reason),
            orDash(spec.actor),
            state(spec.from) + " -> " + state(spec.to),
            orDash(spec.message)
          });
    }
    int[] widths = new int[HEADER.length - 1];
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(String.format("%-" + widths[i] + "s  ", row[i]));
      }
      line.append(row[row.length - 1]);
      text.append(line.toString().stripTrailing()).append('\n');
      if (r > 0) {
        evidence(text, specs.get(r - 1));
      }
    }
    return text.toString();
  }

  private static String summary(String rollout, int count, RecordHistory history) {
    StringBuilder summary = new StringBuilder();
    summary
        .append(count)
        .append(count == 1 ? " record" : " records")
        .append(" of ")
        .append(rollout);
    if (history != null) {
      summary.append(", newest sequence ").append(history.lastSequence);
      if (history.pending != null && !history.pending.isEmpty()) {
        summary.append(", ").append(history.pending.size()).append(" not yet stored");
      }
      if (history.prunedThrough != null) {
        summary.append(", sequences up to ").append(history.prunedThrough);
        summary.append(" deleted by retention");
      }
    }
    return summary.toString();
  }

  private static void evidence(StringBuilder text, RolloutRecordSpec spec) {
    if (spec.evidence == null || spec.evidence.metrics == null) {
      return;
    }
    for (MetricEvidence metric : spec.evidence.metrics) {
      text.append("    evidence: ")
          .append(metric.metric)
          .append(" = ")
          .append(orDash(metric.value))
          .append(" (")
          .append(orDash(metric.outcome))
          .append(", threshold ")
          .append(orDash(metric.threshold))
          .append(", every ")
          .append(orDash(metric.interval))
          .append(") ")
          .append(orDash(metric.counts))
          .append("; query ")
          .append(orDash(metric.query))
          .append('\n');
    }
  }

  private static String state(RecordState state) {
    if (state == null || state.phase == null) {
      return "none";
    }
    return state.step == null ? state.phase : state.phase + " " + state.step;
  }

  private static String orDash(String text) {
    return text == null ? "-" : text;
  }
}
