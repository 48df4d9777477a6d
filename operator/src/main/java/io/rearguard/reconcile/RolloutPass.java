package io.rearguard.reconcile;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.act.Actuator;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.RolloutDecider;
import io.rearguard.decide.StatusCopier;
import io.rearguard.evidence.Provenance;
import io.rearguard.evidence.RecordOutbox;
import io.rearguard.evidence.RecordRetention;
import io.rearguard.evidence.TransitionRecorder;
import io.rearguard.observe.RolloutObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.BiFunction;

/**
 * One pass of the loop for one Rollout: observe, decide, write the status once when it changed,
 * act, store the transitions' RolloutRecords, report. The status is written before the actions, so
 * intent is recorded before traffic moves, and a failed write stops the pass before anything else
 * happens.
 */
public class RolloutPass {
  private final RolloutObserver observer;
  private final Actuator actuator;
  private final TransitionRecorder recorder;
  private final Clock clock;
  private final RecordOutbox outbox;

  public RolloutPass(
      RolloutObserver observer, Actuator actuator, TransitionRecorder recorder, Clock clock) {
    this(observer, actuator, recorder, clock, RecordRetention.DEFAULT);
  }

  /** Creates a pass whose RolloutRecords are kept within {@code retention}. */
  public RolloutPass(
      RolloutObserver observer,
      Actuator actuator,
      TransitionRecorder recorder,
      Clock clock,
      RecordRetention retention) {
    this.observer = observer;
    this.actuator = actuator;
    this.recorder = recorder;
    this.clock = clock;
    this.outbox = new RecordOutbox(actuator.records(), retention, clock);
  }

  /**
   * Runs the pass and returns when to look again.
   *
   * @param statusWriter writes a Rollout carrying the new status and returns the stored Rollout
   */
  public Duration run(
      Rollout rollout,
      Collection<ReplicaSet> replicaSets,
      Collection<RolloutCommand> commands,
      BiFunction<Rollout, Rollout, Rollout> statusWriter) {
    Observation observation = observer.observe(rollout, replicaSets, commands);
    Decision decision = RolloutDecider.decide(rollout, observation, clock);
    // The records of this decision's transitions go into the status first and are created after
    // the actions, so storing them never delays a rollback.
    RolloutStatus next = outbox.stage(rollout, decision, observation, replicaSets);
    next.provenance =
        Provenance.ofStatus(rollout, next, observation.desiredRevision(), replicaSets);

    Rollout current = rollout;
    if (!StatusCopier.sameContent(rollout.getStatus(), next)) {
      Rollout desired = new Rollout();
      desired.setMetadata(rollout.getMetadata());
      desired.setSpec(rollout.getSpec());
      desired.setStatus(next);
      current = statusWriter.apply(rollout, desired);
    }
    actuator.apply(current, decision.actions(), commands);
    boolean recordsWritten = outbox.flush(current);
    recorder.record(current, next, decision.transitions());
    return RecordOutbox.requeue(decision.requeueAfter(), current.getStatus(), recordsWritten);
  }
}
