package io.rearguard.e2e.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Minimum, median and maximum of a set of durations in milliseconds.
 *
 * @param count number of samples
 * @param min smallest sample
 * @param median middle sample, or the mean of the two middle samples for an even count
 * @param max largest sample
 */
public record Spread(int count, double min, double median, double max) {

  /** Computes the spread of at least one sample. */
  public static Spread of(List<Long> millis) {
    if (millis.isEmpty()) {
      throw new IllegalArgumentException("a spread needs at least one sample");
    }
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return new Spread(n, sorted.get(0), median, sorted.get(n - 1));
  }

  /** Formats the spread in seconds, such as {@code min 1.92 s, median 2.41 s, max 3.05 s (n=5)}. */
  public String inSeconds() {
    return String.format(
        Locale.ROOT,
        "min %.2f s, median %.2f s, max %.2f s (n=%d)",
        min / 1000,
        median / 1000,
        max / 1000,
        count);
  }
}
