package io.rearguard.cli;

import io.rearguard.evidence.ChainVerifier;
import java.util.Locale;

/** Renders the outcome of a chain check in one or two lines. */
final class VerifyView {
  private VerifyView() {}

  static String render(String rollout, ChainVerifier.Result result) {
    if (result.finding().isPresent()) {
      ChainVerifier.Finding finding = result.finding().get();
      return "TAMPERED: record "
          + finding.record()
          + " (sequence "
          + finding.sequence()
          + ") of "
          + rollout
          + " was "
          + finding.kind().name().toLowerCase(Locale.ROOT)
          + ": "
          + finding.message();
    }
    StringBuilder text =
        new StringBuilder("OK: the chain of ").append(rollout).append(" is intact: ");
    text.append(result.checked()).append(result.checked() == 1 ? " record" : " records");
    text.append(" checked");
    if (result.lastSequence() > 0) {
      text.append(" (sequences ")
          .append(result.prunedThrough() + 1)
          .append(" to ")
          .append(result.lastSequence())
          .append(')');
    }
    if (result.pending() > 0) {
      text.append(", ").append(result.pending()).append(" decided but not yet stored");
    }
    if (result.prunedThrough() > 0) {
      text.append(", sequences up to ")
          .append(result.prunedThrough())
          .append(" deleted by retention");
    }
    return text.toString();
  }
}
