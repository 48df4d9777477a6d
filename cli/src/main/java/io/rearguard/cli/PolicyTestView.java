package io.rearguard.cli;

import io.rearguard.api.Rollout;
import io.rearguard.policy.RuleVerdict;
import io.rearguard.policy.Verdict;
import java.time.Instant;
import java.util.List;

/**
 * Renders the verdicts of {@code policy test}: a header, one line per rule ({@code VERDICT
 * policy/rule} and the value or error), and a count.
 */
final class PolicyTestView {
  private PolicyTestView() {}

  static String render(Rollout rollout, Instant now, List<RuleVerdict> verdicts) {
    StringBuilder text = new StringBuilder();
    var meta = rollout.getMetadata();
    String name =
        meta == null
            ? "(unnamed)"
            : (meta.getNamespace() == null ? "" : meta.getNamespace() + "/") + meta.getName();
    text.append("Rollout ").append(name).append(" at ").append(now).append('\n');
    int allowed = 0;
    int denied = 0;
    int errors = 0;
    for (RuleVerdict verdict : verdicts) {
      text.append(line(verdict)).append('\n');
      switch (verdict.verdict()) {
        case Allowed -> allowed++;
        case Denied -> denied++;
        case Error -> errors++;
      }
    }
    text.append(verdicts.size())
        .append(verdicts.size() == 1 ? " rule: " : " rules: ")
        .append(allowed)
        .append(" allow, ")
        .append(denied)
        .append(" deny, ")
        .append(errors)
        .append(" error\n");
    return text.toString();
  }

  /** Returns one rule's line, such as {@code DENY pinned/images-pinned value: [...]}. */
  static String line(RuleVerdict verdict) {
    String label =
        switch (verdict.verdict()) {
          case Allowed -> "ALLOW";
          case Denied -> "DENY";
          case Error -> "ERROR";
        };
    StringBuilder line =
        new StringBuilder(
            String.format("%-5s  %s/%s", label, verdict.policy().name(), verdict.rule()));
    if (verdict.verdict() == Verdict.Denied) {
      line.append("  value: ").append(verdict.value());
    } else if (verdict.verdict() == Verdict.Error) {
      line.append("  error: ").append(verdict.error());
    }
    if (verdict.verdict() != Verdict.Allowed && !verdict.message().isEmpty()) {
      line.append("  (").append(verdict.message()).append(')');
    }
    return line.toString();
  }
}
