package io.rearguard.decide;

import io.rearguard.api.Durations;
import io.rearguard.api.RehearsalStatus;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Works out which signals are due, from spec, status and time alone. */
public final class SignalSchedule {
  private SignalSchedule() {}

  /** Returns whether the canary may receive traffic: its rehearsal passed or was skipped. */
  public static boolean exposed(RolloutStatus status) {
    RehearsalStatus rehearsal = status.rehearsal;
    return rehearsal == null || rehearsal.exposureAllowed;
  }

  private static boolean canaryRunning(RolloutStatus status) {
    return status != null
        && status.canaryRevision != null
        && status.abort == null
        && !Boolean.TRUE.equals(status.fastRollback);
  }

  /** Returns when the burn-rate triggers are next due, if a canary with traffic has any. */
  public static Optional<Instant> burnRatesDue(RolloutSpec spec, RolloutStatus status) {
    if (spec.slo == null || spec.slo.triggers == null || spec.slo.triggers.isEmpty()) {
      return Optional.empty();
    }
    if (!canaryRunning(status) || !exposed(status)) {
      return Optional.empty();
    }
    return Optional.of(
        after(status.signals == null ? null : status.signals.sloTime, spec.slo.interval));
  }

  /** Returns when the invariants are next due, if a canary with traffic has any. */
  public static Optional<Instant> invariantsDue(RolloutSpec spec, RolloutStatus status) {
    if (spec.invariants == null || spec.invariants.counters == null) {
      return Optional.empty();
    }
    if (!canaryRunning(status) || !exposed(status)) {
      return Optional.empty();
    }
    return Optional.of(
        after(
            status.signals == null ? null : status.signals.invariantsTime,
            spec.invariants.interval));
  }

  /** Returns when the error budget is next due: only before a canary's first traffic. */
  public static Optional<Instant> budgetDue(RolloutSpec spec, RolloutStatus status) {
    if (spec.slo == null || spec.slo.freezeBelowBudgetPercent == null) {
      return Optional.empty();
    }
    if (!canaryRunning(status) || exposed(status)) {
      return Optional.empty();
    }
    String last =
        status.signals == null || status.signals.budget == null ? null : status.signals.budget.time;
    return Optional.of(after(last, spec.slo.interval));
  }

  /** Returns the earliest due time of any signal. */
  public static Optional<Instant> nextDue(RolloutSpec spec, RolloutStatus status) {
    List<Optional<Instant>> all = new ArrayList<>();
    all.add(burnRatesDue(spec, status));
    all.add(invariantsDue(spec, status));
    all.add(budgetDue(spec, status));
    return all.stream().flatMap(Optional::stream).min(Instant::compareTo);
  }

  /** Returns whether a due time has come. */
  public static boolean isDue(Optional<Instant> due, Instant now) {
    return due.isPresent() && !due.get().isAfter(now);
  }

  private static Instant after(String last, String interval) {
    return last == null ? Instant.EPOCH : Instant.parse(last).plus(Durations.parse(interval));
  }
}
