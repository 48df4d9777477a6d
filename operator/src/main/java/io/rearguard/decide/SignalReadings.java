package io.rearguard.decide;

import java.util.List;

/**
 * Raw readings for the SLO triggers, the invariants and the error budget, taken in one pass. A list
 * is empty, and the budget null, when that signal was not due.
 */
public record SignalReadings(
    List<BurnReading> burnRates, List<InvariantReading> invariants, BudgetReading budget) {

  /** No readings. */
  public static final SignalReadings NONE = new SignalReadings(List.of(), List.of(), null);

  public SignalReadings {
    burnRates = List.copyOf(burnRates);
    invariants = List.copyOf(invariants);
  }

  /**
   * Error and total event rates of one revision over one window.
   *
   * @param errors rate of failed events
   * @param total rate of all events
   */
  public record Rates(Reading errors, Reading total) {}

  /**
   * Rates for one burn-rate trigger: canary and stable, long and short window.
   *
   * @param stableLong null when there is no stable revision to compare with
   * @param stableShort null when there is no stable revision to compare with
   */
  public record BurnReading(
      String trigger, Rates canaryLong, Rates canaryShort, Rates stableLong, Rates stableShort) {}

  /**
   * The canary's increase of one invariant counter.
   *
   * @param name invariant name
   * @param increase increase over the window; an absent counter reads as zero
   */
  public record InvariantReading(String name, Reading increase) {}

  /**
   * Event counts of the stable revision over the compliance window.
   *
   * @param errors failed events
   * @param total all events
   */
  public record BudgetReading(Reading errors, Reading total) {}
}
