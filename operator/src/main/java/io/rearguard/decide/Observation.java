package io.rearguard.decide;

import io.rearguard.api.Measurement;
import io.rearguard.api.RolloutCommandSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the decider needs from outside the Rollout object, gathered by the observer in one
 * pass.
 *
 * @param desiredRevision hash of the spec's pod template
 * @param revisions ReplicaSets owned by the Rollout, by revision hash
 * @param measurements measurements taken in this pass, for the metrics that were due
 * @param commands RolloutCommands for this Rollout without a result yet, oldest first
 * @param signals readings of the SLO triggers, invariants and error budget that were due
 * @param policies verdicts of the policy gates for the desired revision
 */
public record Observation(
    String desiredRevision,
    Map<String, RevisionState> revisions,
    List<TakenMeasurement> measurements,
    List<PendingCommand> commands,
    SignalReadings signals,
    PolicyCheck policies) {

  public Observation {
    revisions = Map.copyOf(revisions);
    measurements = List.copyOf(measurements);
    commands = List.copyOf(commands);
    signals = signals == null ? SignalReadings.NONE : signals;
    policies = policies == null ? PolicyCheck.NONE : policies;
  }

  /** Creates an observation to which no policy applies. */
  public Observation(
      String desiredRevision,
      Map<String, RevisionState> revisions,
      List<TakenMeasurement> measurements,
      List<PendingCommand> commands,
      SignalReadings signals) {
    this(desiredRevision, revisions, measurements, commands, signals, PolicyCheck.NONE);
  }

  /** Creates an observation without signal readings. */
  public Observation(
      String desiredRevision,
      Map<String, RevisionState> revisions,
      List<TakenMeasurement> measurements,
      List<PendingCommand> commands) {
    this(desiredRevision, revisions, measurements, commands, SignalReadings.NONE, PolicyCheck.NONE);
  }

  /** Returns the state of one revision's ReplicaSet, or an absent one when it does not exist. */
  public RevisionState revision(String revision) {
    RevisionState state = revision == null ? null : revisions.get(revision);
    return state != null ? state : RevisionState.absent(revision);
  }

  /**
   * Observed state of one revision's ReplicaSet.
   *
   * @param revision revision hash
   * @param exists whether the ReplicaSet exists
   * @param specReplicas replicas requested in its spec
   * @param readyReplicas ready pods reported in its status
   * @param created creation time of the ReplicaSet, null when it does not exist
   */
  public record RevisionState(
      String revision, boolean exists, int specReplicas, int readyReplicas, Instant created) {

    /** Returns the state of a revision that has no ReplicaSet. */
    public static RevisionState absent(String revision) {
      return new RevisionState(revision, false, 0, 0, null);
    }
  }

  /**
   * A measurement taken for one analysis run.
   *
   * @param metric metric name
   * @param scope {@link AnalysisSchedule#STEP} or {@link AnalysisSchedule#BACKGROUND}
   * @param stepIndex step of a step analysis, null for the background analysis
   * @param measurement the measurement
   */
  public record TakenMeasurement(
      String metric, String scope, Integer stepIndex, Measurement measurement) {}

  /**
   * A command that has no result yet.
   *
   * @param name resource name
   * @param uid resource UID, which identifies the command across renames and re-creation
   * @param action requested action
   * @param reason reason given by the requester
   * @param requestedBy requester, when given
   * @param created creation time
   */
  public record PendingCommand(
      String name,
      String uid,
      RolloutCommandSpec.Action action,
      String reason,
      String requestedBy,
      Instant created) {

    /**
     * Returns the identity used to spot copies of the same command. The requester is length
     * prefixed, so no choice of requester and reason can produce another command's identity.
     */
    public String fingerprint() {
      String by = requestedBy == null ? "" : requestedBy;
      return action.wireName() + "|" + by.length() + ":" + by + "|" + reason;
    }
  }
}
