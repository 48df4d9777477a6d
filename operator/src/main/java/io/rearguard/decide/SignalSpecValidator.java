package io.rearguard.decide;

import io.rearguard.analysis.SignalQueries;
import io.rearguard.api.Durations;
import io.rearguard.api.InvariantSpec;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.SloSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the SLO, invariant, rehearsal and freeze-override settings beyond the schema. */
final class SignalSpecValidator {
  private SignalSpecValidator() {}

  static void check(RolloutSpec spec, List<String> problems) {
    if (spec.slo != null) {
      checkSlo(spec.slo, problems);
    }
    if (spec.invariants != null) {
      checkInvariants(spec.invariants, problems);
    }
    if (spec.rehearsal != null && spec.rehearsal.repeatEvery != null) {
      duration(spec.rehearsal.repeatEvery, "spec.rehearsal.repeatEvery", problems);
    }
    if (spec.releaseFreezeOverride != null) {
      var override = spec.releaseFreezeOverride;
      if (override.reason == null || override.reason.isBlank()) {
        problems.add("spec.releaseFreezeOverride.reason is required");
      }
      try {
        Instant.parse(String.valueOf(override.expires));
      } catch (DateTimeParseException e) {
        problems.add(
            "spec.releaseFreezeOverride.expires must be an RFC 3339 time such as"
                + " 2026-12-04T18:00:00Z, got "
                + override.expires);
      }
    }
  }

  private static void checkSlo(SloSpec slo, List<String> problems) {
    if (slo.objective == null || !(slo.objective > 0 && slo.objective < 100)) {
      problems.add("spec.slo.objective must be above 0 and below 100, got " + slo.objective);
    }
    selector(slo.errorSelector, "spec.slo.errorSelector", problems);
    selector(slo.totalSelector, "spec.slo.totalSelector", problems);
    duration(slo.complianceWindow, "spec.slo.complianceWindow", problems);
    duration(slo.interval, "spec.slo.interval", problems);
    if (slo.triggers == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < slo.triggers.size(); i++) {
      var trigger = slo.triggers.get(i);
      String path = "spec.slo.triggers[" + i + "]";
      if (trigger.name == null || !names.add(trigger.name)) {
        problems.add(path + ".name must be present and unique, got " + trigger.name);
      }
      Duration longWindow = duration(trigger.longWindow, path + ".longWindow", problems);
      Duration shortWindow = duration(trigger.shortWindow, path + ".shortWindow", problems);
      if (longWindow != null && shortWindow != null && shortWindow.compareTo(longWindow) > 0) {
        problems.add(path + ".shortWindow must not be longer than longWindow");
      }
    }
  }

  private static void checkInvariants(InvariantSpec invariants, List<String> problems) {
    duration(invariants.interval, "spec.invariants.interval", problems);
    duration(invariants.window, "spec.invariants.window", problems);
    if (invariants.counters == null || invariants.counters.isEmpty()) {
      problems.add("spec.invariants.counters must contain at least one counter");
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < invariants.counters.size(); i++) {
      var counter = invariants.counters.get(i);
      String path = "spec.invariants.counters[" + i + "]";
      if (counter.name == null || !names.add(counter.name)) {
        problems.add(path + ".name must be present and unique, got " + counter.name);
      }
      selector(counter.selector, path + ".selector", problems);
    }
  }

  private static void selector(String selector, String path, List<String> problems) {
    if (selector == null) {
      problems.add(path + " is required");
      return;
    }
    String problem = SignalQueries.validate(selector, SpecValidator.BUILT_IN_ARGS);
    if (problem != null) {
      problems.add(path + ": " + problem);
    }
  }

  private static Duration duration(String text, String path, List<String> problems) {
    try {
      Duration duration = Durations.parse(text);
      if (duration.isZero()) {
        problems.add(path + " must be longer than zero");
        return null;
      }
      return duration;
    } catch (IllegalArgumentException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }
}
