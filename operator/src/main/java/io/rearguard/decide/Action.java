package io.rearguard.decide;

import io.rearguard.api.RolloutCommandStatus;

/** A change to the cluster that the actuator applies idempotently. */
public sealed interface Action {

  /**
   * Creates the revision's ReplicaSet if missing and sets its replicas.
   *
   * @param revision revision hash
   * @param replicas desired replicas
   */
  record ScaleRevision(String revision, int replicas) implements Action {}

  /**
   * Deletes an old revision's ReplicaSet that is beyond the history limit.
   *
   * @param revision revision hash
   */
  record DeleteRevision(String revision) implements Action {}

  /**
   * Writes the result to a command's status.
   *
   * @param name command name
   * @param phase Accepted or Rejected
   * @param message what was done or why not
   * @param time when it was decided (RFC 3339)
   * @param rolloutState the Rollout's phase and step before the command
   */
  record CompleteCommand(
      String name,
      RolloutCommandStatus.Phase phase,
      String message,
      String time,
      String rolloutState)
      implements Action {}
}
