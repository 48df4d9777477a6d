package io.rearguard.decide;

import io.rearguard.api.AbortStatus;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.LastDecision;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Working state of one decision: a private copy of the status that the rules change, plus the
 * actions and transitions they produce. Nothing here performs I/O.
 */
final class DecisionContext {
  final RolloutSpec spec;
  final RolloutStatus status;
  final Observation observation;
  final Instant now;
  final long generation;
  final List<Action> actions = new ArrayList<>();
  final List<Transition> transitions = new ArrayList<>();
  private Instant wakeUp;
  boolean deadlineExceeded;

  DecisionContext(Rollout rollout, RolloutStatus status, Observation observation, Instant now) {
    this.spec = rollout.getSpec();
    this.status = status;
    this.observation = observation;
    this.now = now;
    Long metadataGeneration = rollout.getMetadata().getGeneration();
    this.generation = metadataGeneration == null ? 0 : metadataGeneration;
  }

  int replicas() {
    return spec.replicas == null ? 1 : spec.replicas;
  }

  List<CanaryStep> steps() {
    return spec.strategy.canary.steps;
  }

  boolean canaryActive() {
    return status.canaryRevision != null && status.abort == null;
  }

  int stableReady() {
    return observation.revision(status.stableRevision).readyReplicas();
  }

  int canaryReady() {
    return status.canaryRevision == null
        ? 0
        : observation.revision(status.canaryRevision).readyReplicas();
  }

  /** Returns the step as n/N for display; the promotion phase shows N/N. */
  String stepText(int index) {
    int count = steps().size();
    return Math.min(index + 1, count) + "/" + count;
  }

  /** Returns the weight in force at a step: the last setWeight so far, or 100 past the end. */
  int weightAt(int index) {
    if (index >= steps().size()) {
      return 100;
    }
    for (int i = index; i >= 0; i--) {
      Integer weight = steps().get(i).setWeight;
      if (weight != null) {
        return weight;
      }
    }
    return 0;
  }

  void wakeAt(Instant time) {
    if (wakeUp == null || time.isBefore(wakeUp)) {
      wakeUp = time;
    }
  }

  Instant wakeUp() {
    return wakeUp;
  }

  void markProgress() {
    status.lastProgressTime = now.toString();
  }

  Duration progressDeadline() {
    return Duration.ofSeconds(
        spec.progressDeadlineSeconds == null ? 600 : spec.progressDeadlineSeconds);
  }

  void transition(boolean warning, String reason, String message, String actor) {
    transitions.add(new Transition(warning, reason, message, actor));
    LastDecision decision = new LastDecision();
    decision.time = now.toString();
    decision.actor = actor;
    decision.reason = reason;
    decision.message = message;
    status.lastDecision = decision;
  }

  /** Moves to a step, resetting the step's clock and its analysis runs. */
  void startStep(int index) {
    status.currentStepIndex = index;
    status.step = stepText(index);
    status.stepStartTime = now.toString();
    status.canaryWeight = weightAt(index);
    status.analysis.removeIf(run -> AnalysisSchedule.STEP.equals(run.scope));
    markProgress();
  }

  /** Starts a canary for a revision at its first step. */
  void startCanary(String revision) {
    status.canaryRevision = revision;
    status.abort = null;
    status.pauseReason = null;
    status.pauseStartTime = null;
    status.analysis.clear();
    status.signals = null;
    status.fastRollback = null;
    status.rehearsal = RehearsalRules.initial(this);
    status.canaryReadyReplicas = observation.revision(revision).readyReplicas();
    startStep(0);
    if (!SignalSchedule.exposed(status)) {
      // The canary gets no pods until the freeze and the rehearsal let it through.
      status.canaryWeight = 0;
    }
  }

  /** Ends the canary without promoting it. */
  void clearCanary() {
    status.canaryRevision = null;
    status.canaryReadyReplicas = null;
    status.currentStepIndex = null;
    status.step = null;
    status.stepStartTime = null;
    status.canaryWeight = 0;
    status.pauseReason = null;
    status.pauseStartTime = null;
  }

  /** Aborts the canary: all weight returns to stable and the canary is scaled away. */
  void abort(String reason, String message, String actor) {
    int index = status.currentStepIndex == null ? 0 : status.currentStepIndex;
    String from =
        "from step "
            + stepText(index)
            + " at weight "
            + status.canaryWeight
            + "% to stable "
            + status.stableRevision;
    AbortStatus abort = new AbortStatus();
    abort.revision = status.canaryRevision;
    abort.time = now.toString();
    abort.actor = actor;
    abort.reason = reason;
    abort.message = message;
    abort.stepIndex = index;
    status.abort = abort;
    status.canaryWeight = 0;
    status.pauseReason = null;
    status.pauseStartTime = null;
    transition(
        true, reason, "Canary " + abort.revision + " aborted " + from + ": " + message, actor);
  }

  void pause(String reason, String message, String actor) {
    status.pauseReason = reason;
    status.pauseStartTime = now.toString();
    transition(
        !Reasons.PAUSED_BY_STEP.equals(reason) && !Reasons.PAUSED_BY_COMMAND.equals(reason),
        reason,
        "Canary " + status.canaryRevision + " paused at step " + status.step + ": " + message,
        actor);
  }

  /**
   * Lifts a pause; the progress deadline starts again from now. After an analysis pause the runs
   * start again, so the outcome that caused the pause does not pause the canary once more.
   */
  void unpause() {
    if (Reasons.ANALYSIS_ERROR.equals(status.pauseReason)
        || Reasons.INCONCLUSIVE_ANALYSIS.equals(status.pauseReason)) {
      status.analysis.clear();
      status.signals = null;
    }
    status.pauseReason = null;
    status.pauseStartTime = null;
    markProgress();
  }
}
