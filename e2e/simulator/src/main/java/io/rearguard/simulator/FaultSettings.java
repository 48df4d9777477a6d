package io.rearguard.simulator;

/**
 * Faults injected into the synthetic requests of one revision.
 *
 * @param errorRate probability from 0 to 1 that a request fails with status 500
 * @param latencyMs latency in milliseconds added to the small random base latency
 * @param invariantViolationsPerSecond invariant violations reported per second while the revision
 *     has ready replicas, independent of its traffic weight
 */
public record FaultSettings(
    double errorRate, double latencyMs, double invariantViolationsPerSecond) {

  /** Settings of a healthy revision. */
  public static final FaultSettings NONE = new FaultSettings(0, 0, 0);

  public FaultSettings {
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate must be between 0 and 1: " + errorRate);
    }
    requireNonNegative("latencyMs", latencyMs);
    requireNonNegative("invariantViolationsPerSecond", invariantViolationsPerSecond);
  }

  private static void requireNonNegative(String name, double value) {
    if (!(value >= 0 && Double.isFinite(value))) {
      throw new IllegalArgumentException(name + " must be a finite number >= 0: " + value);
    }
  }
}
