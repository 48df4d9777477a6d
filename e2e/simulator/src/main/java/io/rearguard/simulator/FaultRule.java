package io.rearguard.simulator;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Fault settings applied to the revisions a target selects.
 *
 * @param target revisions the rule applies to
 * @param settings faults injected into those revisions
 */
public record FaultRule(FaultTarget target, FaultSettings settings) {

  public FaultRule {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(settings, "settings");
  }

  /**
   * Returns the JSON form used by the control endpoint, for example {@code {"revision": "abc123",
   * "errorRate": 0.5, "latencyMs": 0.0, "invariantViolationsPerSecond": 0.0}}.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(target.kind().name().toLowerCase(Locale.ROOT), target.value());
    json.put("errorRate", settings.errorRate());
    json.put("latencyMs", settings.latencyMs());
    json.put("invariantViolationsPerSecond", settings.invariantViolationsPerSecond());
    return json;
  }
}
