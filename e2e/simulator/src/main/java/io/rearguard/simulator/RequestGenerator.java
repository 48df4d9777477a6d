package io.rearguard.simulator;

import java.util.Random;

/**
 * Draws synthetic requests: which revision serves each one, and its status code and latency from
 * that revision's fault settings.
 *
 * <p>Not thread-safe, because the random sequence must stay reproducible for a given seed.
 */
public final class RequestGenerator {

  /** Lower bound of the random base latency, in seconds. */
  static final double BASE_LATENCY_MIN_SECONDS = 0.005;

  /** Width of the uniform range of the base latency, in seconds. */
  static final double BASE_LATENCY_SPREAD_SECONDS = 0.015;

  private final FaultRegistry faults;
  private final Random random;

  /**
   * Creates a generator.
   *
   * @param faults fault rules applied to each request
   * @param random source of randomness, seeded by the caller when the output must be reproducible
   */
  public RequestGenerator(FaultRegistry faults, Random random) {
    this.faults = faults;
    this.random = random;
  }

  /**
   * Draws one request for a rollout.
   *
   * @throws IllegalStateException if the split has no revision with ready replicas
   */
  public SyntheticRequest next(TrafficSplit split) {
    RevisionWeight revision = split.pick(random.nextDouble());
    FaultSettings settings = faults.settingsFor(revision.revision(), revision.image());
    int statusCode = random.nextDouble() < settings.errorRate() ? 500 : 200;
    double baseLatency =
        BASE_LATENCY_MIN_SECONDS + random.nextDouble() * BASE_LATENCY_SPREAD_SECONDS;
    double latencySeconds = baseLatency + settings.latencyMs() / 1000.0;
    return new SyntheticRequest(split.rollout(), revision, statusCode, latencySeconds);
  }

  /** Returns the fault settings that apply to a revision. */
  FaultSettings settingsFor(RevisionWeight revision) {
    return faults.settingsFor(revision.revision(), revision.image());
  }
}
