package io.rearguard.explore;

import io.rearguard.api.Rollout;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Observation.PendingCommand;
import java.time.Clock;

/**
 * One explored transition: an event applied to a world.
 *
 * @param label the event, as printed in a path
 * @param kind what kind of event it was
 * @param before the world the event started from; for a template change, the world with the new
 *     template that the pass saw
 * @param after the world it led to
 * @param pass the decision the event caused, null for events of the world alone
 */
record Edge(String label, Kind kind, World before, World after, Pass pass) {

  /** Kinds of events. */
  enum Kind {
    /** A pass with a measurement outcome for each due metric. */
    MEASURE,
    /** A pass with a new command. */
    COMMAND,
    /** A pass that receives the last command again, with its UID unchanged. */
    REDELIVERY,
    /** A pass with a new command that copies the last one: new UID, same action and reason. */
    COPY,
    /** A pass after the pod template changed. */
    TEMPLATE,
    /** A pass after the clock moved past the progress deadline. */
    DEADLINE,
    /** Pods became ready; nothing is decided. */
    READY
  }

  /**
   * One call of the decider and how much of its result took effect.
   *
   * @param input the Rollout handed to the decider
   * @param observation the observation handed to the decider
   * @param clock the clock handed to the decider
   * @param decision what the decider returned
   * @param command the command that the event added, null for other events
   * @param applied how many of the decision's actions took effect; fewer than all means the
   *     operator crashed after the status write
   */
  record Pass(
      Rollout input,
      Observation observation,
      Clock clock,
      Decision decision,
      PendingCommand command,
      int applied) {

    boolean crashed() {
      return applied < decision.actions().size();
    }
  }
}
