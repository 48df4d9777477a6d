package io.rearguard.decide;

/**
 * Replica counts that carry a canary weight without a traffic router.
 *
 * <p>The canary gets ceil(replicas * weight / 100) pods. The stable revision gives up one pod for
 * each ready canary pod, so ready capacity never drops below the desired replicas. The surge is at
 * most the canary's pod count.
 */
public final class ReplicaMath {
  private ReplicaMath() {}

  /** Returns the canary pods for a weight: ceil(replicas * weight / 100), at most replicas. */
  public static int canaryReplicas(int replicas, int weight) {
    if (weight <= 0 || replicas <= 0) {
      return 0;
    }
    // Integer arithmetic: a floating-point product such as 7 * 0.29 would round up wrongly.
    long pods = ((long) replicas * weight + 99) / 100;
    return (int) Math.min(replicas, Math.max(1, pods));
  }

  /** Returns the stable pods while a canary with the given target and ready pods runs. */
  public static int stableReplicas(int replicas, int canaryTarget, int canaryReady) {
    return replicas - Math.min(canaryTarget, Math.max(0, canaryReady));
  }

  /**
   * Returns the canary pods to request now. Growing is immediate; shrinking keeps enough canary
   * pods to cover what the stable revision has not yet made ready.
   *
   * @param replicas desired total
   * @param canaryTarget canary pods for the current weight
   * @param canaryCurrent canary pods currently requested
   * @param stableReady ready stable pods
   */
  public static int canaryReplicasNow(
      int replicas, int canaryTarget, int canaryCurrent, int stableReady) {
    if (canaryTarget >= canaryCurrent) {
      return canaryTarget;
    }
    int stillNeeded = Math.max(0, replicas - stableReady);
    return Math.min(canaryCurrent, Math.max(canaryTarget, stillNeeded));
  }
}
