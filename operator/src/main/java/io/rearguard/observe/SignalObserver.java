package io.rearguard.observe;

import io.rearguard.analysis.SignalQueries;
import io.rearguard.api.Durations;
import io.rearguard.api.InvariantSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.SloSpec;
import io.rearguard.decide.Reading;
import io.rearguard.decide.SignalReadings;
import io.rearguard.decide.SignalSchedule;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Takes the SLO, invariant and error-budget readings that are due, one query at a time. */
public class SignalObserver {

  /** Runs one instant query against a Prometheus server. */
  @FunctionalInterface
  public interface Prometheus {
    /**
     * Returns the single value of a query, or why there is none, as a reading instead of an
     * exception.
     */
    Reading query(String address, String promql);
  }

  private final Prometheus prometheus;
  private final Clock clock;

  public SignalObserver(Prometheus prometheus, Clock clock) {
    this.prometheus = prometheus;
    this.clock = clock;
  }

  /** Returns the readings that are due now. */
  public SignalReadings observe(Rollout rollout) {
    RolloutStatus status = rollout.getStatus();
    if (status == null) {
      return SignalReadings.NONE;
    }
    var spec = rollout.getSpec();
    Instant now = clock.instant();
    Map<String, String> values =
        Map.of(
            "namespace",
            rollout.getMetadata().getNamespace(),
            "rollout",
            rollout.getMetadata().getName(),
            "canaryRevision",
            status.canaryRevision == null ? "" : status.canaryRevision,
            "stableRevision",
            status.stableRevision == null ? "" : status.stableRevision);
    List<SignalReadings.BurnReading> burns = new ArrayList<>();
    if (SignalSchedule.isDue(SignalSchedule.burnRatesDue(spec, status), now)) {
      for (SloSpec.BurnRateTrigger trigger : spec.slo.triggers) {
        burns.add(burnReading(spec.slo, trigger, values, status));
      }
    }
    List<SignalReadings.InvariantReading> invariants = new ArrayList<>();
    if (SignalSchedule.isDue(SignalSchedule.invariantsDue(spec, status), now)) {
      for (InvariantSpec.Counter counter : spec.invariants.counters) {
        invariants.add(invariantReading(spec.invariants, counter, values, status.canaryRevision));
      }
    }
    SignalReadings.BudgetReading budget = null;
    if (SignalSchedule.isDue(SignalSchedule.budgetDue(spec, status), now)) {
      String window = window(spec.slo.complianceWindow);
      budget =
          new SignalReadings.BudgetReading(
              sum(
                  spec.slo,
                  spec.slo.errorSelector,
                  values,
                  status.stableRevision,
                  window,
                  "increase"),
              sum(
                  spec.slo,
                  spec.slo.totalSelector,
                  values,
                  status.stableRevision,
                  window,
                  "increase"));
    }
    return new SignalReadings(burns, invariants, budget);
  }

  private SignalReadings.BurnReading burnReading(
      SloSpec slo,
      SloSpec.BurnRateTrigger trigger,
      Map<String, String> values,
      RolloutStatus status) {
    String longWindow = window(trigger.longWindow);
    String shortWindow = window(trigger.shortWindow);
    String canary = status.canaryRevision;
    String stable = status.stableRevision;
    return new SignalReadings.BurnReading(
        trigger.name,
        rates(slo, values, canary, longWindow),
        rates(slo, values, canary, shortWindow),
        stable == null ? null : rates(slo, values, stable, longWindow),
        stable == null ? null : rates(slo, values, stable, shortWindow));
  }

  private SignalReadings.Rates rates(
      SloSpec slo, Map<String, String> values, String revision, String window) {
    return new SignalReadings.Rates(
        sum(slo, slo.errorSelector, values, revision, window, "rate"),
        sum(slo, slo.totalSelector, values, revision, window, "rate"));
  }

  private Reading sum(
      SloSpec slo,
      String selector,
      Map<String, String> values,
      String revision,
      String window,
      String function) {
    String query;
    try {
      String series = SignalQueries.forRevision(selector, values, slo.revisionLabel, revision);
      query =
          "rate".equals(function)
              ? SignalQueries.rateSum(series, window)
              : SignalQueries.increaseSum(series, window);
    } catch (IllegalArgumentException e) {
      return Reading.error(e.getMessage(), selector);
    }
    return prometheus.query(slo.prometheusAddress, query);
  }

  private SignalReadings.InvariantReading invariantReading(
      InvariantSpec spec,
      InvariantSpec.Counter counter,
      Map<String, String> values,
      String canary) {
    String query;
    try {
      String series =
          SignalQueries.forRevision(counter.selector, values, counter.revisionLabel, canary);
      // A counter that does not exist yet has not increased.
      query = SignalQueries.increaseSum(series, window(spec.window)) + " or vector(0)";
    } catch (IllegalArgumentException e) {
      return new SignalReadings.InvariantReading(
          counter.name, Reading.error(e.getMessage(), counter.selector));
    }
    return new SignalReadings.InvariantReading(
        counter.name, prometheus.query(spec.prometheusAddress, query));
  }

  private static String window(String duration) {
    return Durations.promql(Durations.parse(duration));
  }
}
