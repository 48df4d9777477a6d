package io.rearguard.decide;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.InvariantSpec;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.SignalsStatus;
import io.rearguard.api.SloSpec;
import java.util.Locale;

/**
 * Records SLO burn rates and invariant counters, and rolls the canary back when a trigger fires or
 * an invariant counter increases. Neither has a failure limit.
 */
final class SignalRules {
  private SignalRules() {}

  static void record(DecisionContext ctx) {
    SignalReadings readings = ctx.observation.signals();
    if (readings.burnRates().isEmpty()
        && readings.invariants().isEmpty()
        && readings.budget() == null) {
      return;
    }
    SignalsStatus signals = signals(ctx);
    if (!readings.burnRates().isEmpty() && ctx.spec.slo != null) {
      signals.sloTime = ctx.now.toString();
      for (SignalReadings.BurnReading reading : readings.burnRates()) {
        recordBurn(ctx, signals, reading);
      }
    }
    if (!readings.invariants().isEmpty() && ctx.spec.invariants != null) {
      signals.invariantsTime = ctx.now.toString();
      for (SignalReadings.InvariantReading reading : readings.invariants()) {
        recordInvariant(ctx.spec.invariants, signals, reading);
      }
    }
    if (readings.budget() != null && ctx.spec.slo != null) {
      FreezeRules.recordBudget(ctx, signals, readings.budget());
    }
  }

  static SignalsStatus signals(DecisionContext ctx) {
    if (ctx.status.signals == null) {
      ctx.status.signals = new SignalsStatus();
    }
    return ctx.status.signals;
  }

  private static void recordBurn(
      DecisionContext ctx, SignalsStatus signals, SignalReadings.BurnReading reading) {
    SloSpec slo = ctx.spec.slo;
    SloSpec.BurnRateTrigger trigger =
        slo.triggers.stream()
            .filter(t -> t.name.equals(reading.trigger()))
            .findFirst()
            .orElse(null);
    if (trigger == null) {
      return;
    }
    SignalsStatus.BurnRateStatus status =
        signals.burnRates.stream()
            .filter(b -> b.name.equals(trigger.name))
            .findFirst()
            .orElseGet(
                () -> {
                  SignalsStatus.BurnRateStatus created = new SignalsStatus.BurnRateStatus();
                  created.name = trigger.name;
                  signals.burnRates.add(created);
                  return created;
                });
    status.threshold = trigger.burnRate;
    status.windows = trigger.longWindow + "/" + trigger.shortWindow;
    Reading canaryLong = BurnRates.burnRate(reading.canaryLong(), slo.objective);
    Reading canaryShort = BurnRates.burnRate(reading.canaryShort(), slo.objective);
    status.canaryLong = text(canaryLong);
    status.canaryShort = text(canaryShort);
    status.stableBurning = null;
    if (reading.stableLong() != null && reading.stableShort() != null) {
      Reading stableLong = BurnRates.burnRate(reading.stableLong(), slo.objective);
      Reading stableShort = BurnRates.burnRate(reading.stableShort(), slo.objective);
      status.stableLong = text(stableLong);
      status.stableShort = text(stableShort);
      status.stableBurning = exceeds(stableLong, stableShort, trigger.burnRate);
    }
    if (canaryLong.hasValue() && canaryShort.hasValue()) {
      boolean firing = exceeds(canaryLong, canaryShort, trigger.burnRate);
      status.outcome = firing ? MeasurementOutcome.Failed : MeasurementOutcome.Successful;
      status.consecutiveErrors = 0;
      status.message =
          "canary burn rate "
              + status.canaryLong
              + " ("
              + trigger.longWindow
              + ") and "
              + status.canaryShort
              + " ("
              + trigger.shortWindow
              + ") "
              + (firing ? "exceed " : "do not both exceed ")
              + trigger.burnRate;
    } else {
      Reading missing = canaryLong.hasValue() ? canaryShort : canaryLong;
      status.outcome =
          missing.kind() == Reading.Kind.ERROR
              ? MeasurementOutcome.Error
              : MeasurementOutcome.NoData;
      status.consecutiveErrors++;
      status.message = missing.message() + "; query " + missing.query();
    }
  }

  private static void recordInvariant(
      InvariantSpec spec, SignalsStatus signals, SignalReadings.InvariantReading reading) {
    SignalsStatus.InvariantStatus status =
        signals.invariants.stream()
            .filter(i -> i.name.equals(reading.name()))
            .findFirst()
            .orElseGet(
                () -> {
                  SignalsStatus.InvariantStatus created = new SignalsStatus.InvariantStatus();
                  created.name = reading.name();
                  signals.invariants.add(created);
                  return created;
                });
    Reading increase = reading.increase();
    status.window = spec.window;
    status.query = increase.query();
    status.increase = text(increase);
    if (increase.hasValue()) {
      boolean violated = increase.value() > 0;
      status.outcome = violated ? MeasurementOutcome.Failed : MeasurementOutcome.Successful;
      status.consecutiveErrors = 0;
      status.message = violated ? "counter increased by " + status.increase : "no increase";
    } else {
      status.outcome =
          increase.kind() == Reading.Kind.ERROR
              ? MeasurementOutcome.Error
              : MeasurementOutcome.NoData;
      status.consecutiveErrors++;
      status.message = increase.message();
    }
  }

  /** Rolls the canary back on a violated invariant, a firing trigger, or too many errors. */
  static void judge(DecisionContext ctx) {
    SignalsStatus signals = ctx.status.signals;
    if (signals == null || !ctx.canaryActive() || Boolean.TRUE.equals(ctx.status.fastRollback)) {
      return;
    }
    for (SignalsStatus.InvariantStatus invariant : signals.invariants) {
      if (invariant.outcome == MeasurementOutcome.Failed) {
        ctx.abort(
            Reasons.INVARIANT_VIOLATED,
            "invariant "
                + invariant.name
                + " increased by "
                + invariant.increase
                + " over the last "
                + invariant.window
                + "; query "
                + invariant.query,
            Transition.OPERATOR);
        return;
      }
    }
    for (SignalsStatus.BurnRateStatus burn : signals.burnRates) {
      if (burn.outcome == MeasurementOutcome.Failed) {
        ctx.abort(Reasons.BURN_RATE_EXCEEDED, burnEvidence(burn), Transition.OPERATOR);
        return;
      }
    }
    judgeErrors(ctx, signals);
  }

  private static void judgeErrors(DecisionContext ctx, SignalsStatus signals) {
    String problem = null;
    if (ctx.spec.slo != null) {
      for (SignalsStatus.BurnRateStatus burn : signals.burnRates) {
        if (burn.consecutiveErrors >= ctx.spec.slo.consecutiveErrorLimit) {
          problem = "burn-rate trigger " + burn.name + ": " + burn.message;
        }
      }
    }
    if (ctx.spec.invariants != null) {
      for (SignalsStatus.InvariantStatus invariant : signals.invariants) {
        if (invariant.consecutiveErrors >= ctx.spec.invariants.consecutiveErrorLimit) {
          problem = "invariant " + invariant.name + ": " + invariant.message;
        }
      }
    }
    if (problem == null) {
      return;
    }
    String message = "no usable value too many times in a row: " + problem;
    AnalysisSpec background = ctx.spec.strategy.canary.analysis;
    if (background != null && background.onError == AnalysisSpec.ErrorPolicy.Pause) {
      if (ctx.status.pauseReason == null) {
        ctx.pause(Reasons.ANALYSIS_ERROR, message, Transition.OPERATOR);
      }
    } else {
      ctx.abort(Reasons.ANALYSIS_ERROR, message, Transition.OPERATOR);
    }
  }

  /** Returns whether the last evaluation of every signal returned a usable value that passed. */
  static boolean promotable(DecisionContext ctx) {
    if (Boolean.TRUE.equals(ctx.status.fastRollback)) {
      return true;
    }
    SignalsStatus signals = ctx.status.signals;
    int triggers =
        ctx.spec.slo == null || ctx.spec.slo.triggers == null ? 0 : ctx.spec.slo.triggers.size();
    int counters =
        ctx.spec.invariants == null || ctx.spec.invariants.counters == null
            ? 0
            : ctx.spec.invariants.counters.size();
    if (triggers + counters == 0) {
      return true;
    }
    if (signals == null
        || signals.burnRates.size() < triggers
        || signals.invariants.size() < counters) {
      return false;
    }
    return signals.burnRates.stream().allMatch(b -> b.outcome == MeasurementOutcome.Successful)
        && signals.invariants.stream().allMatch(i -> i.outcome == MeasurementOutcome.Successful);
  }

  private static String burnEvidence(SignalsStatus.BurnRateStatus burn) {
    String stable;
    if (burn.stableBurning == null) {
      stable = "no stable burn rate to compare";
    } else if (burn.stableBurning) {
      stable =
          "the stable revision burns too ("
              + burn.stableLong
              + " and "
              + burn.stableShort
              + "), which points at a cause shared by both revisions";
    } else {
      stable = "stable burn rate " + burn.stableLong + " and " + burn.stableShort;
    }
    return "burn-rate trigger "
        + burn.name
        + " fired: "
        + burn.message
        + " over "
        + burn.windows
        + "; "
        + stable;
  }

  private static boolean exceeds(Reading longWindow, Reading shortWindow, double threshold) {
    return longWindow.hasValue()
        && shortWindow.hasValue()
        && longWindow.value() > threshold
        && shortWindow.value() > threshold;
  }

  static String text(Reading reading) {
    if (!reading.hasValue()) {
      return reading.kind() == Reading.Kind.ERROR ? "error" : "no data";
    }
    return String.format(Locale.ROOT, "%.4g", reading.value());
  }
}
