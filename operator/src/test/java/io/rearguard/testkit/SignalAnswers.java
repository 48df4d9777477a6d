package io.rearguard.testkit;

import io.rearguard.api.InvariantSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.SloSpec;
import io.rearguard.decide.Reading;
import io.rearguard.decide.SignalReadings;
import io.rearguard.decide.SignalSchedule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Returns readings for the signals that {@link SignalSchedule} lists as due, as the signal observer
 * would, with readings a test chooses and may change between passes. Every burn-rate trigger gets
 * the same rates. An invariant without a chosen reading reads as no increase, and the budget starts
 * as unknown.
 */
public final class SignalAnswers implements Function<Rollout, SignalReadings> {
  private final Clock clock;
  private SignalReadings.Rates canaryLong = SignalSpecs.burning(0);
  private SignalReadings.Rates canaryShort = SignalSpecs.burning(0);
  private SignalReadings.Rates stableLong = SignalSpecs.burning(0);
  private SignalReadings.Rates stableShort = SignalSpecs.burning(0);
  private final Map<String, Reading> invariants = new HashMap<>();
  private SignalReadings.BudgetReading budget =
      new SignalReadings.BudgetReading(SignalSpecs.noData(), SignalSpecs.noData());
  private int burnEvaluations;
  private int budgetEvaluations;

  public SignalAnswers(Clock clock) {
    this.clock = clock;
  }

  /** Sets the canary's rates over the long and the short window. */
  public SignalAnswers canary(SignalReadings.Rates longWindow, SignalReadings.Rates shortWindow) {
    canaryLong = longWindow;
    canaryShort = shortWindow;
    return this;
  }

  /** Sets the canary's rates over both windows. */
  public SignalAnswers canary(SignalReadings.Rates bothWindows) {
    return canary(bothWindows, bothWindows);
  }

  /** Sets the stable revision's rates over the long and the short window. */
  public SignalAnswers stable(SignalReadings.Rates longWindow, SignalReadings.Rates shortWindow) {
    stableLong = longWindow;
    stableShort = shortWindow;
    return this;
  }

  /** Sets the stable revision's rates over both windows. */
  public SignalAnswers stable(SignalReadings.Rates bothWindows) {
    return stable(bothWindows, bothWindows);
  }

  /** Sets the increase reading of one invariant counter. */
  public SignalAnswers invariant(String name, Reading increase) {
    invariants.put(name, increase);
    return this;
  }

  /** Sets the stable revision's event counts over the compliance window. */
  public SignalAnswers budget(Reading errors, Reading total) {
    budget = new SignalReadings.BudgetReading(errors, total);
    return this;
  }

  /** Returns how many passes had the burn-rate triggers due. */
  public int burnEvaluations() {
    return burnEvaluations;
  }

  /** Returns how many passes had the error budget due. */
  public int budgetEvaluations() {
    return budgetEvaluations;
  }

  @Override
  public SignalReadings apply(Rollout rollout) {
    RolloutSpec spec = rollout.getSpec();
    RolloutStatus status = rollout.getStatus();
    if (status == null) {
      return SignalReadings.NONE;
    }
    List<SignalReadings.BurnReading> burns = new ArrayList<>();
    if (SignalSchedule.isDue(SignalSchedule.burnRatesDue(spec, status), clock.instant())) {
      burnEvaluations++;
      for (SloSpec.BurnRateTrigger trigger : spec.slo.triggers) {
        burns.add(
            new SignalReadings.BurnReading(
                trigger.name, canaryLong, canaryShort, stableLong, stableShort));
      }
    }
    List<SignalReadings.InvariantReading> increases = new ArrayList<>();
    if (SignalSchedule.isDue(SignalSchedule.invariantsDue(spec, status), clock.instant())) {
      for (InvariantSpec.Counter counter : spec.invariants.counters) {
        Reading increase = invariants.getOrDefault(counter.name, SignalSpecs.value(0));
        increases.add(new SignalReadings.InvariantReading(counter.name, increase));
      }
    }
    SignalReadings.BudgetReading dueBudget = null;
    if (SignalSchedule.isDue(SignalSchedule.budgetDue(spec, status), clock.instant())) {
      budgetEvaluations++;
      dueBudget = budget;
    }
    return new SignalReadings(burns, increases, dueBudget);
  }
}
