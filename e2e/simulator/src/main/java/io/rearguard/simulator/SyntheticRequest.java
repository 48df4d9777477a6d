package io.rearguard.simulator;

/**
 * Outcome of one synthetic request.
 *
 * @param rollout rollout that received the request
 * @param revision revision that served it
 * @param statusCode HTTP status code, 200 or 500
 * @param latencySeconds simulated latency in seconds
 */
public record SyntheticRequest(
    RolloutId rollout, RevisionWeight revision, int statusCode, double latencySeconds) {}
