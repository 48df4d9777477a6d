package io.rearguard.decide;

/**
 * Error-budget arithmetic: error ratio = errors / total; burn rate = error ratio / (1 - objective);
 * remaining budget = 1 - burn rate over the compliance window.
 */
public final class BurnRates {
  private BurnRates() {}

  /**
   * Returns the burn rate for an objective in percent. No failed-event series means no failures,
   * but no total, zero traffic, NaN or an infinite value is NoData, and an error stays an error.
   */
  public static Reading burnRate(SignalReadings.Rates rates, double objectivePercent) {
    Reading ratio = errorRatio(rates);
    if (!ratio.hasValue()) {
      return ratio;
    }
    double budget = 1 - objectivePercent / 100.0;
    if (!(budget > 0)) {
      return Reading.error("objective " + objectivePercent + "% leaves no error budget", null);
    }
    return Reading.value(ratio.value() / budget, ratio.query());
  }

  /** Returns the remaining error budget in percent; negative when the budget is overspent. */
  public static Reading remainingBudgetPercent(
      SignalReadings.BudgetReading counts, double objectivePercent) {
    Reading burn =
        burnRate(new SignalReadings.Rates(counts.errors(), counts.total()), objectivePercent);
    if (!burn.hasValue()) {
      return burn;
    }
    return Reading.value(100.0 * (1 - burn.value()), burn.query());
  }

  /** Returns errors / total, with the rules of {@link #burnRate}. */
  public static Reading errorRatio(SignalReadings.Rates rates) {
    Reading total = rates.total();
    Reading errors = rates.errors();
    if (total.kind() == Reading.Kind.ERROR) {
      return total;
    }
    if (errors.kind() == Reading.Kind.ERROR) {
      return errors;
    }
    if (!total.hasValue()) {
      return Reading.noData("no events counted: " + total.message(), total.query());
    }
    if (!(total.value() > 0) || Double.isInfinite(total.value())) {
      return Reading.noData("zero traffic in the window", total.query());
    }
    double failed = errors.hasValue() ? errors.value() : 0;
    if (!Double.isFinite(failed) || failed < 0) {
      return Reading.noData("unusable failed-event rate " + failed, errors.query());
    }
    return Reading.value(Math.min(1.0, failed / total.value()), total.query());
  }
}
