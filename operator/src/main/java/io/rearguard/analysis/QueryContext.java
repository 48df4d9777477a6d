package io.rearguard.analysis;

/**
 * Values of the built-in query placeholders for one rollout.
 *
 * @param namespace the rollout's namespace
 * @param rollout the rollout's name
 * @param canaryRevision the revision being rolled out
 * @param stableRevision the revision being replaced; null when there is none, rendered as ""
 */
public record QueryContext(
    String namespace, String rollout, String canaryRevision, String stableRevision) {}
