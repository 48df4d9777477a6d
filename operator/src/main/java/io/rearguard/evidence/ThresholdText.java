package io.rearguard.evidence;

import io.rearguard.api.Threshold;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Writes a threshold as text for records and the command line, such as "min 0.9, max 1.5". */
public final class ThresholdText {
  private ThresholdText() {}

  /** Returns the threshold as text, or null when there is none. */
  public static String describe(Threshold threshold) {
    if (threshold == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    if (threshold.min != null) {
      parts.add("min " + number(threshold.min));
    }
    if (threshold.max != null) {
      parts.add("max " + number(threshold.max));
    }
    if (threshold.condition != null) {
      parts.add("condition " + threshold.condition);
    }
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
