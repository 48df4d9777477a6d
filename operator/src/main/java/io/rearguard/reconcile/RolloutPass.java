package io.rearguard.reconcile;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.act.Actuator;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.RolloutDecider;
import io.rearguard.decide.StatusCopier;
import io.rearguard.evidence.TransitionRecorder;
import io.rearguard.observe.RolloutObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.BiFunction;

/**
 * One pass of the loop for one Rollout: observe, decide, write the status once when it changed,
 * act, report. The status is written before the actions, so intent is recorded before traffic
 * moves, and a failed write stops the pass before anything else happens.
 */
public class RolloutPass {
  private final RolloutObserver observer;
  private final Actuator actuator;
  private final TransitionRecorder recorder;
  private final Clock clock;

  public RolloutPass(
      RolloutObserver observer, Actuator actuator, TransitionRecorder recorder, Clock clock) {
    this.observer = observer;
    this.actuator = actuator;
    this.recorder = recorder;
    this.clock = clock;
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

    Rollout current = rollout;
    if (!StatusCopier.sameContent(rollout.getStatus(), decision.status())) {
      Rollout desired = new Rollout();
      desired.setMetadata(rollout.getMetadata());
      desired.setSpec(rollout.getSpec());
      desired.setStatus(decision.status());
      current = statusWriter.apply(rollout, desired);
    }
    actuator.apply(current, decision.actions(), commands);
    recorder.record(current, decision.status(), decision.transitions());
    return decision.requeueAfter();
  }
}
