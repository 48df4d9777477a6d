package io.rearguard.simulator;

import java.util.Objects;

/**
 * Share of a rollout's traffic that one revision receives.
 *
 * @param revision revision hash
 * @param image first container image of the revision's pod template
 * @param readyReplicas ready replicas of the revision
 * @param weight fraction of the rollout's requests sent to this revision, from 0 to 1
 */
public record RevisionWeight(String revision, String image, int readyReplicas, double weight) {

  public RevisionWeight {
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(image, "image");
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("weight must be between 0 and 1: " + weight);
    }
  }
}
