package io.rearguard.e2e.demo;

import io.rearguard.api.RehearsalStatus;
import io.rearguard.api.SignalsStatus;
import java.util.List;
import java.util.Locale;

/** Text of a Rollout's burn-rate triggers and rollback rehearsal, for the progress view. */
final class SignalsView {
  /** Prefix the operator gives the check that failed in {@link RehearsalStatus#checks}. */
  private static final String FAILED_CHECK = "FAILED ";

  private SignalsView() {}

  /**
   * Formats a trigger's last evaluation as, for example, {@code burn-rate fast (30s/10s) canary
   * 41.2/39.8 > 20, stable 0/0 <= 20: Failed}. Each pair is long window, then short window. A pair
   * with one value above the threshold shows "not both >", because the trigger fires only when both
   * are above it.
   */
  static String burnRateText(SignalsStatus.BurnRateStatus burn) {
    StringBuilder text = new StringBuilder("burn-rate ").append(burn.name);
    if (burn.windows != null) {
      text.append(" (").append(burn.windows).append(")");
    }
    text.append(" canary ").append(pair(burn.canaryLong, burn.canaryShort, burn.threshold));
    if (burn.stableLong != null || burn.stableShort != null) {
      text.append(", stable ").append(pair(burn.stableLong, burn.stableShort, burn.threshold));
    }
    text.append(": ").append(burn.outcome == null ? "not evaluated" : burn.outcome.name());
    return text.toString();
  }

  /** Formats each trigger of a status in the operator's order, or none without signals. */
  static List<String> burnRateTexts(SignalsStatus signals) {
    if (signals == null || signals.burnRates == null) {
      return List.of();
    }
    return signals.burnRates.stream().map(SignalsView::burnRateText).toList();
  }

  /**
   * Formats a finished rehearsal as, for example, {@code rehearsal of canary 5d8f: Drill Passed in
   * 1.02 s (max 30 s)}, and adds the failed check when there is one.
   *
   * @param maxSeconds the spec's maxRollbackSeconds, or null when the spec has none
   */
  static String rehearsalText(String canary, RehearsalStatus rehearsal, Integer maxSeconds) {
    StringBuilder text = new StringBuilder("rehearsal of canary ").append(canary).append(": ");
    text.append(rehearsal.mode == null ? "-" : rehearsal.mode.name());
    text.append(' ').append(rehearsal.phase);
    if (rehearsal.seconds != null) {
      text.append(String.format(Locale.ROOT, " in %.2f s", rehearsal.seconds));
    }
    if (maxSeconds != null) {
      text.append(" (max ").append(maxSeconds).append(" s)");
    }
    String failed = failedCheck(rehearsal);
    if (failed != null) {
      text.append(", failed check: ").append(failed);
    } else if (rehearsal.seconds == null && rehearsal.message != null) {
      text.append(": ").append(rehearsal.message);
    }
    return text.toString();
  }

  /** Returns the check that failed, without its prefix, or null when none did. */
  static String failedCheck(RehearsalStatus rehearsal) {
    if (rehearsal.checks == null) {
      return null;
    }
    return rehearsal.checks.stream()
        .filter(check -> check.startsWith(FAILED_CHECK))
        .map(check -> check.substring(FAILED_CHECK.length()))
        .findFirst()
        .orElse(null);
  }

  /**
   * Formats a long and short window pair against the threshold, such as "41.2/39.8 > 20". A value
   * that the operator could not compute keeps the operator's text, such as "no data".
   */
  private static String pair(String longValue, String shortValue, Double threshold) {
    String values = value(longValue) + "/" + value(shortValue);
    if (threshold == null) {
      return values;
    }
    Double longRate = parse(longValue);
    Double shortRate = parse(shortValue);
    if (longRate == null || shortRate == null) {
      return values + " vs " + ProgressView.number(threshold);
    }
    String comparison;
    if (longRate > threshold && shortRate > threshold) {
      comparison = " > ";
    } else if (longRate > threshold || shortRate > threshold) {
      comparison = " not both > ";
    } else {
      comparison = " <= ";
    }
    return values + comparison + ProgressView.number(threshold);
  }

  private static String value(String text) {
    Double parsed = parse(text);
    if (parsed != null) {
      return ProgressView.number(parsed);
    }
    return text == null ? "n/a" : text;
  }

  private static Double parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      double value = Double.parseDouble(text);
      return Double.isFinite(value) ? value : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
