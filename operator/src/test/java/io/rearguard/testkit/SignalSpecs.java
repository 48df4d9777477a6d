package io.rearguard.testkit;

import io.rearguard.api.FreezeOverride;
import io.rearguard.api.InvariantSpec;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.SloSpec;
import io.rearguard.decide.Reading;
import io.rearguard.decide.SignalReadings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Builds the SLO, invariant, rehearsal and freeze-override parts of a Rollout spec, and the raw
 * readings that the signal observer would return for them.
 */
public final class SignalSpecs {
  /** Query text carried by every reading built here. */
  public static final String QUERY = "sum(rate(test_requests_total[1m]))";

  /** Selector of failed events used by {@link #slo}. */
  public static final String ERROR_SELECTOR =
      "http_requests_total{namespace=\"{{namespace}}\",code=\"500\"}";

  /** Selector of all events used by {@link #slo}. */
  public static final String TOTAL_SELECTOR = "http_requests_total{namespace=\"{{namespace}}\"}";

  private SignalSpecs() {}

  /**
   * Returns an SLO on {@link #ERROR_SELECTOR} and {@link #TOTAL_SELECTOR} with the schema defaults
   * (interval 5s, complianceWindow 30d, consecutiveErrorLimit 5) and no freeze.
   */
  public static SloSpec slo(double objective, SloSpec.BurnRateTrigger... triggers) {
    SloSpec slo = new SloSpec();
    slo.prometheusAddress = Rollouts.PROMETHEUS;
    slo.objective = objective;
    slo.errorSelector = ERROR_SELECTOR;
    slo.totalSelector = TOTAL_SELECTOR;
    slo.triggers = new ArrayList<>(Arrays.asList(triggers));
    return slo;
  }

  /** Returns an SLO without triggers whose release freeze starts below a remaining budget. */
  public static SloSpec freezeBelow(double objective, double budgetPercent) {
    SloSpec slo = slo(objective);
    slo.freezeBelowBudgetPercent = budgetPercent;
    slo.complianceWindow = "2m";
    return slo;
  }

  /** Returns a burn-rate trigger. */
  public static SloSpec.BurnRateTrigger trigger(
      String name, double burnRate, String longWindow, String shortWindow) {
    SloSpec.BurnRateTrigger trigger = new SloSpec.BurnRateTrigger();
    trigger.name = name;
    trigger.burnRate = burnRate;
    trigger.longWindow = longWindow;
    trigger.shortWindow = shortWindow;
    return trigger;
  }

  /**
   * Returns invariants with the schema defaults (interval 1s, window 10s, consecutiveErrorLimit 5)
   * and one counter {@code <name>_total{namespace="{{namespace}}"}} per name.
   */
  public static InvariantSpec invariants(String... names) {
    InvariantSpec invariants = new InvariantSpec();
    invariants.prometheusAddress = Rollouts.PROMETHEUS;
    invariants.counters = new ArrayList<>();
    for (String name : names) {
      InvariantSpec.Counter counter = new InvariantSpec.Counter();
      counter.name = name;
      counter.selector = name.replace('-', '_') + "_total{namespace=\"{{namespace}}\"}";
      invariants.counters.add(counter);
    }
    return invariants;
  }

  /** Returns rehearsal settings with minStableReadyPercent 100 and no repeat. */
  public static RehearsalSpec rehearsal(RehearsalSpec.Mode mode, int maxRollbackSeconds) {
    RehearsalSpec rehearsal = new RehearsalSpec();
    rehearsal.mode = mode;
    rehearsal.maxRollbackSeconds = maxRollbackSeconds;
    return rehearsal;
  }

  /** Returns a freeze override requested by oncall-alice that expires at a time. */
  public static FreezeOverride override(Instant expires) {
    FreezeOverride override = new FreezeOverride();
    override.reason = "security fix";
    override.expires = expires.toString();
    override.requestedBy = "oncall-alice";
    return override;
  }

  /** Returns a reading with a value. */
  public static Reading value(double value) {
    return Reading.value(value, QUERY);
  }

  /** Returns a reading without data, as for an empty result. */
  public static Reading noData() {
    return Reading.noData("empty result", QUERY);
  }

  /** Returns a failed reading, as for a timed-out query. */
  public static Reading error() {
    return Reading.error("query timed out after 5s", QUERY);
  }

  /** Returns event rates with values. */
  public static SignalReadings.Rates rates(double errors, double total) {
    return new SignalReadings.Rates(value(errors), value(total));
  }

  /** Returns event rates from two readings. */
  public static SignalReadings.Rates rates(Reading errors, Reading total) {
    return new SignalReadings.Rates(errors, total);
  }

  /** Returns event rates whose burn rate is {@code burn} for an objective of 99%. */
  public static SignalReadings.Rates burning(double burn) {
    return rates(burn, 100);
  }
}
