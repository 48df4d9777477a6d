package io.rearguard.api;

import java.time.Duration;
import java.util.regex.Matcher;

/** Parses durations written like 30s, 5m, 1h30m, 250ms or 30d. */
public final class Durations {
  /** Schema pattern of a duration: one or more number-unit pairs. */
  public static final String PATTERN = "^([0-9]{1,9}(ms|s|m|h|d))+$";

  private static final java.util.regex.Pattern PART =
      java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  private Durations() {}

  /** Formats a duration the way PromQL range selectors expect, such as 90s. */
  public static String promql(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException when the text does not match {@link #PATTERN}
   */
  public static Duration parse(String text) {
    if (text == null || !text.matches(PATTERN)) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "': expected number-unit pairs such as 30s, 5m or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher matcher = PART.matcher(text);
    while (matcher.find()) {
      long amount = Long.parseLong(matcher.group(1));
      total =
          switch (matcher.group(2)) {
            case "ms" -> total.plusMillis(amount);
            case "s" -> total.plusSeconds(amount);
            case "m" -> total.plusMinutes(amount);
            case "h" -> total.plusHours(amount);
            default -> total.plusDays(amount);
          };
    }
    return total;
  }
}
