package io.rearguard.e2e.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Outcome of one demo stage.
 *
 * @param stage short stage name, such as {@code v2-promote}
 * @param outcome whether the stage ran and behaved as described
 * @param expected what the stage waits for, in words
 * @param seen what was observed instead when the stage failed; empty when it passed
 * @param elapsed how long the stage ran; zero when it did not run
 */
public record StageResult(
    String stage, Outcome outcome, String expected, String seen, Duration elapsed) {

  /** Result of a stage. */
  public enum Outcome {
    PASS,
    FAIL,
    /** Not run because an earlier stage failed, and counted as failed. */
    NOT_RUN
  }

  /** Returns a passed stage. */
  public static StageResult pass(String stage, String expected, Duration elapsed) {
    return new StageResult(stage, Outcome.PASS, expected, "", elapsed);
  }

  /** Returns a failed stage with what was seen instead. */
  public static StageResult fail(String stage, String expected, String seen, Duration elapsed) {
    return new StageResult(stage, Outcome.FAIL, expected, seen, elapsed);
  }

  /** Returns a stage that did not run. */
  public static StageResult notRun(String stage, String expected) {
    return new StageResult(
        stage, Outcome.NOT_RUN, expected, "not run because an earlier stage failed", Duration.ZERO);
  }

  public boolean passed() {
    return outcome == Outcome.PASS;
  }

  /** Returns the summary table: one line per stage, the reasons of failures, and the totals. */
  public static List<String> summary(List<StageResult> results) {
    List<String> lines = new ArrayList<>();
    int passed = 0;
    for (StageResult result : results) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%-7s  %-12s  %5.1f s  %s",
              result.outcome.name().replace('_', ' '),
              result.stage,
              result.elapsed.toMillis() / 1000.0,
              result.expected));
      if (result.passed()) {
        passed++;
      } else {
        lines.add("         expected: " + result.expected);
        lines.add("         seen:     " + result.seen);
      }
    }
    lines.add("Stages: " + passed + " passed, " + (results.size() - passed) + " failed");
    return lines;
  }
}
