package io.rearguard.api;

import java.time.Duration;
import java.util.regex.Matcher;

/** Parses durations written like 30s, 5m, 1h30m or 250ms. */
public final class Durations {
  /** Schema pattern of a duration: one or more number-unit pairs. */
  public static final String PATTERN = "^([0-9]{1,9}(ms|s|m|h))+$";

  private static final java.util.regex.Pattern PART =
      java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  private Durations() {}

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
            default -> total.plusHours(amount);
          };
    }
    return total;
  }
}
