package io.rearguard.simulator;

import java.util.List;

/**
 * Source of the live traffic split of every rollout the simulator serves.
 *
 * <p>{@link ReplicaSetSplitSource} derives the split from ready replicas. A traffic router that
 * carries explicit weights can replace it by implementing this interface.
 */
public interface TrafficSplitSource extends AutoCloseable {

  /**
   * Returns the current split of every known rollout, sorted by rollout.
   *
   * <p>Called from the traffic thread and from HTTP handler threads, so implementations must be
   * thread-safe and should return quickly.
   */
  List<TrafficSplit> currentSplits();

  /** Stops watching for changes. The default does nothing. */
  @Override
  default void close() {}
}
