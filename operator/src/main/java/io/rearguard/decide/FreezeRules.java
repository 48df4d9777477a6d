package io.rearguard.decide;

import io.rearguard.api.FreezeOverride;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.SignalsStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Release freeze: a new revision waits before its first traffic while the stable revision's
 * remaining error budget is below the floor, unless an unexpired override lets it through.
 */
final class FreezeRules {
  private FreezeRules() {}

  static void recordBudget(
      DecisionContext ctx, SignalsStatus signals, SignalReadings.BudgetReading reading) {
    SignalsStatus.BudgetStatus budget =
        signals.budget == null ? new SignalsStatus.BudgetStatus() : signals.budget;
    signals.budget = budget;
    Reading remaining = BurnRates.remainingBudgetPercent(reading, ctx.spec.slo.objective);
    budget.time = ctx.now.toString();
    budget.freezeBelowPercent = ctx.spec.slo.freezeBelowBudgetPercent;
    budget.remainingPercent = SignalRules.text(remaining);
    if (remaining.hasValue()) {
      budget.outcome = MeasurementOutcome.Successful;
      budget.frozen = remaining.value() < ctx.spec.slo.freezeBelowBudgetPercent;
      budget.message =
          "remaining error budget "
              + budget.remainingPercent
              + "% over "
              + ctx.spec.slo.complianceWindow
              + (budget.frozen ? " is below " : " is not below ")
              + budget.freezeBelowPercent
              + "%";
    } else {
      budget.outcome =
          remaining.kind() == Reading.Kind.ERROR
              ? MeasurementOutcome.Error
              : MeasurementOutcome.NoData;
      budget.frozen = null;
      budget.message = "remaining error budget unknown: " + remaining.message();
    }
  }

  /**
   * Returns whether the canary may go on towards its first traffic. An unknown budget keeps it
   * waiting too, because no data is never taken as success.
   */
  static boolean allow(DecisionContext ctx) {
    if (ctx.spec.slo == null || ctx.spec.slo.freezeBelowBudgetPercent == null) {
      return true;
    }
    SignalsStatus.BudgetStatus budget =
        ctx.status.signals == null ? null : ctx.status.signals.budget;
    if (budget == null) {
      return false;
    }
    if (Boolean.FALSE.equals(budget.frozen)) {
      release(ctx, "the error budget is no longer below the floor: " + budget.message);
      return true;
    }
    FreezeOverride override = ctx.spec.releaseFreezeOverride;
    Instant expires = expiry(override);
    if (expires != null && ctx.now.isBefore(expires)) {
      if (!override.expires.equals(budget.overriddenUntil)) {
        budget.overriddenUntil = override.expires;
        String by = override.requestedBy == null ? "unknown requester" : override.requestedBy;
        ctx.transition(
            true,
            Reasons.FREEZE_OVERRIDDEN,
            "Release freeze overridden by "
                + by
                + " until "
                + override.expires
                + ": "
                + override.reason
                + " ("
                + budget.message
                + ")",
            "override by " + by);
      }
      release(ctx, "release freeze overridden until " + override.expires);
      return true;
    }
    String why =
        budget.outcome == MeasurementOutcome.Successful
            ? budget.message
            : budget.message + "; waiting until it is known";
    if (expires != null) {
      why += "; the override expired at " + override.expires;
    }
    if (!Reasons.RELEASE_FROZEN.equals(ctx.status.pauseReason)) {
      ctx.pause(Reasons.RELEASE_FROZEN, why, Transition.OPERATOR);
    }
    return false;
  }

  private static void release(DecisionContext ctx, String why) {
    if (Reasons.RELEASE_FROZEN.equals(ctx.status.pauseReason)) {
      ctx.unpause();
      ctx.transition(
          false,
          Reasons.RELEASE_UNFROZEN,
          "Canary " + ctx.status.canaryRevision + " released from the freeze: " + why,
          Transition.OPERATOR);
    }
  }

  /** Returns the override's expiry, or null when there is none or it cannot be read. */
  static Instant expiry(FreezeOverride override) {
    if (override == null || override.expires == null || override.reason == null) {
      return null;
    }
    try {
      return Instant.parse(override.expires);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
