package io.rearguard.api;

import java.time.Duration;
import java.util.regex.Matcher;

/** Parses durations written like 30s, 5m, 1h30m, 250ms or 30d. */
public final class Durations {
  /** Schema pattern of a duration: one or more number-unit pairs. */
  public static final String PATTERN = "^([0-9]{1,9}(ms|s|m|h|d))+$";

  /**
   * Maximum length of a duration in the schema. At most six pairs of the longest form (999999999d)
   * fit, so the sum cannot overflow a {@link Duration}, its milliseconds, or an Instant near now.
   */
  public static final int MAX_LENGTH = 64;

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
   * @throws IllegalArgumentException when the text does not match {@link #PATTERN} or is longer
   *     than {@link #MAX_LENGTH}
   */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "': expected number-unit pairs such as 30s, 5m or 1h30m");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "invalid duration of "
              + text.length()
              + " characters: at most "
              + MAX_LENGTH
              + " are allowed, such as 1h30m");
    }
    // java.util.regex recurses once per repetition of a group, so matching PATTERN as a whole
    // overflows the stack on long input. The pairs are matched one at a time instead.
    Duration total = Duration.ZERO;
    Matcher matcher = PART.matcher(text);
    int end = 0;
    while (end < text.length()) {
      matcher.region(end, text.length());
      if (!matcher.lookingAt()) {
        throw new IllegalArgumentException(
            "invalid duration '" + text + "': expected number-unit pairs such as 30s, 5m or 1h30m");
      }
      end = matcher.end();
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
