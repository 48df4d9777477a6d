package io.rearguard.decide;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.Durations;
import io.rearguard.api.Measurement;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The decision function: (spec, status, observation, clock) to (next status, actions). It has no
 * I/O, so each rule is a plain unit test and the state machine can be explored exhaustively.
 */
public final class RolloutDecider {
  /** Requeue delay while a spec is invalid: slow, so a bad spec causes no retry storm. */
  public static final Duration INVALID_SPEC_REQUEUE = Duration.ofMinutes(5);

  /** Maximum wait while a rollout moves, in case an event is missed. */
  public static final Duration ACTIVE_REQUEUE = Duration.ofSeconds(15);

  /** Maximum wait for a rollout at rest. */
  public static final Duration IDLE_REQUEUE = Duration.ofMinutes(10);

  private RolloutDecider() {}

  /** Decides the next status and actions. The rollout and observation are not modified. */
  public static Decision decide(Rollout rollout, Observation observation, Clock clock) {
    RolloutStatus status = StatusCopier.copy(rollout.getStatus());
    DecisionContext ctx = new DecisionContext(rollout, status, observation, clock.instant());
    List<String> problems = SpecValidator.validate(rollout.getSpec());
    if (!problems.isEmpty()) {
      PhaseRules.markInvalid(ctx, problems);
      CommandRules.rejectAll(ctx, "the Rollout's spec is invalid; fix the spec first");
      return new Decision(status, ctx.actions, ctx.transitions, INVALID_SPEC_REQUEUE);
    }
    observeReplicas(ctx);
    recordMeasurements(ctx);
    SignalRules.record(ctx);
    RevisionRules.followDesiredRevision(ctx);
    CommandRules.apply(ctx);
    advance(ctx);
    ScaleRules.scale(ctx);
    PolicyRules.clearWithoutCanary(ctx);
    PhaseRules.derive(ctx);
    return new Decision(status, ctx.actions, ctx.transitions, requeueAfter(ctx));
  }

  private static void observeReplicas(DecisionContext ctx) {
    RolloutStatus status = ctx.status;
    if (status.stableRevision != null) {
      int ready = ctx.stableReady();
      boolean increased = status.stableReadyReplicas == null || ready > status.stableReadyReplicas;
      // A rollout at rest that loses a pod or gains replicas starts its deadline now, not at the
      // last promotion.
      boolean leftRest = status.phase == RolloutPhase.Healthy && ready < ctx.replicas();
      if (increased || leftRest) {
        ctx.markProgress();
      }
      status.stableReadyReplicas = ready;
    }
    if (status.canaryRevision != null) {
      int ready = ctx.canaryReady();
      if (status.canaryReadyReplicas == null || ready > status.canaryReadyReplicas) {
        ctx.markProgress();
      }
      status.canaryReadyReplicas = ready;
    }
  }

  private static void recordMeasurements(DecisionContext ctx) {
    for (Observation.TakenMeasurement taken : ctx.observation.measurements()) {
      Optional<MetricSpec> metric = findMetric(ctx, taken);
      if (metric.isEmpty() || !ctx.canaryActive()) {
        continue;
      }
      MetricRun run = runFor(ctx, taken.scope(), taken.stepIndex(), metric.get().name);
      if (!AnalysisSchedule.RUNNING.equals(run.phase)) {
        continue;
      }
      Measurement measurement = taken.measurement();
      AnalysisEvaluator.record(
          run, metric.get(), measurement, AnalysisSchedule.STEP.equals(taken.scope()));
      if (measurement.outcome == io.rearguard.api.MeasurementOutcome.Successful) {
        ctx.markProgress();
      }
    }
  }

  private static Optional<MetricSpec> findMetric(
      DecisionContext ctx, Observation.TakenMeasurement taken) {
    AnalysisSpec analysis;
    if (AnalysisSchedule.BACKGROUND.equals(taken.scope())) {
      analysis = ctx.spec.strategy.canary.analysis;
    } else {
      Integer index = ctx.status.currentStepIndex;
      if (index == null || !index.equals(taken.stepIndex()) || index >= ctx.steps().size()) {
        return Optional.empty();
      }
      analysis = ctx.steps().get(index).analysis;
    }
    if (analysis == null) {
      return Optional.empty();
    }
    return analysis.metrics.stream().filter(m -> m.name.equals(taken.metric())).findFirst();
  }

  /** Returns the run of a metric, adding an empty one to the status when it has none. */
  static MetricRun runFor(DecisionContext ctx, String scope, Integer stepIndex, String metric) {
    return AnalysisSchedule.findRun(ctx.status, scope, stepIndex, metric)
        .orElseGet(
            () -> {
              MetricRun run = new MetricRun();
              run.name = metric;
              run.scope = scope;
              run.stepIndex = stepIndex;
              run.phase = AnalysisSchedule.RUNNING;
              ctx.status.analysis.add(run);
              return run;
            });
  }

  private static void advance(DecisionContext ctx) {
    if (!ctx.canaryActive()) {
      RevisionRules.completeRollback(ctx);
      checkStableDeadline(ctx);
      return;
    }
    AnalysisRules.judgeBackground(ctx);
    SignalRules.judge(ctx);
    if (!ctx.canaryActive() || !exposureGates(ctx)) {
      return;
    }
    if (Reasons.POLICY_DENIED.equals(ctx.status.pauseReason)
        && !PolicyRules.allow(ctx, "before more traffic")) {
      return;
    }
    RehearsalRules.repeatIfDue(ctx, waitingInPause(ctx));
    if (ctx.status.pauseReason != null) {
      return;
    }
    for (int guard = 0; guard <= ctx.steps().size(); guard++) {
      int index = ctx.status.currentStepIndex;
      ctx.status.canaryWeight = ctx.weightAt(index);
      if (index >= ctx.steps().size()) {
        if (ctx.canaryReady() >= ctx.replicas()
            && SignalRules.promotable(ctx)
            && AnalysisRules.backgroundPromotable(ctx)) {
          if (PolicyRules.allow(ctx, "before promotion to stable")) {
            RevisionRules.promote(ctx);
          }
          return;
        }
        break;
      }
      if (!runStep(ctx, index, ctx.steps().get(index))) {
        break;
      }
    }
    if (ctx.canaryActive() && ctx.status.pauseReason == null && !inTimedPause(ctx)) {
      checkCanaryDeadline(ctx);
    }
  }

  /**
   * Runs the release freeze and the rehearsal before the canary's first traffic; returns whether
   * the canary may go on. A failed rehearsal has paused the canary by then.
   */
  private static boolean exposureGates(DecisionContext ctx) {
    if (SignalSchedule.exposed(ctx.status)) {
      // A repeat rehearsal runs while the canary keeps its traffic.
      RehearsalRules.run(ctx);
      return true;
    }
    String pause = ctx.status.pauseReason;
    if (pause != null
        && !Reasons.RELEASE_FROZEN.equals(pause)
        && !Reasons.POLICY_DENIED.equals(pause)) {
      return false;
    }
    if (!PolicyRules.allow(ctx, "before its first traffic")) {
      RehearsalRules.cancel(ctx);
      return false;
    }
    if (!FreezeRules.allow(ctx)) {
      RehearsalRules.cancel(ctx);
      return false;
    }
    return RehearsalRules.run(ctx);
  }

  private static boolean waitingInPause(DecisionContext ctx) {
    return Reasons.PAUSED_BY_STEP.equals(ctx.status.pauseReason)
        || ctx.status.pauseReason == null && inTimedPause(ctx);
  }

  /** Runs one step; returns true when it completed and the next step may start. */
  private static boolean runStep(DecisionContext ctx, int index, CanaryStep step) {
    if (step.setWeight != null) {
      int target = ReplicaMath.canaryReplicas(ctx.replicas(), step.setWeight);
      if (ctx.canaryReady() < target) {
        return false;
      }
      return completeStep(
          ctx, index, Transition.OPERATOR, "weight " + step.setWeight + "% reached");
    }
    if (step.pause != null) {
      if (step.pause.duration == null) {
        ctx.pause(Reasons.PAUSED_BY_STEP, "waiting for a promote command", Transition.OPERATOR);
        return false;
      }
      Instant end =
          Instant.parse(ctx.status.stepStartTime).plus(Durations.parse(step.pause.duration));
      if (ctx.now.isBefore(end)) {
        ctx.wakeAt(end);
        return false;
      }
      return completeStep(
          ctx, index, Transition.OPERATOR, "pause of " + step.pause.duration + " over");
    }
    return AnalysisRules.judgeStep(ctx, index, step.analysis);
  }

  /**
   * Completes a step and starts the next one. Returns false when a policy denies the higher weight
   * that the next step would give the canary, because the canary is then paused instead.
   */
  static boolean completeStep(DecisionContext ctx, int index, String actor, String cause) {
    int next = ctx.weightAt(index + 1);
    if (next > ctx.weightAt(index)
        && !PolicyRules.allow(
            ctx, "before step " + ctx.stepText(index) + " raises the weight to " + next + "%")) {
      return false;
    }
    String from = "step " + ctx.stepText(index) + " (weight " + ctx.weightAt(index) + "%)";
    ctx.startStep(index + 1);
    String to =
        index + 1 >= ctx.steps().size()
            ? "full promotion (weight 100%)"
            : "step " + ctx.stepText(index + 1) + " (weight " + ctx.weightAt(index + 1) + "%)";
    ctx.transition(
        false,
        Reasons.STEP_COMPLETED,
        "Canary moved from " + from + " to " + to + ": " + cause,
        actor);
    return true;
  }

  /** Returns whether the canary waits in a timed pause, which the deadline does not count. */
  private static boolean inTimedPause(DecisionContext ctx) {
    int index = ctx.status.currentStepIndex;
    return index < ctx.steps().size() && ctx.steps().get(index).pause != null;
  }

  private static void checkCanaryDeadline(DecisionContext ctx) {
    Instant deadline = lastProgress(ctx).plus(ctx.progressDeadline());
    if (ctx.now.isBefore(deadline)) {
      ctx.wakeAt(deadline);
      return;
    }
    String message =
        "no progress for "
            + ctx.progressDeadline().toSeconds()
            + "s (canary ready "
            + ctx.canaryReady()
            + "/"
            + ReplicaMath.canaryReplicas(ctx.replicas(), ctx.status.canaryWeight)
            + " at step "
            + ctx.status.step
            + ")";
    if (!Boolean.FALSE.equals(ctx.spec.progressDeadlineAbort)) {
      ctx.abort(Reasons.PROGRESS_DEADLINE_EXCEEDED, message, Transition.OPERATOR);
    } else {
      ctx.deadlineExceeded = true;
    }
  }

  private static void checkStableDeadline(DecisionContext ctx) {
    if (ctx.status.stableRevision == null || ctx.stableReady() >= ctx.replicas()) {
      return;
    }
    Instant deadline = lastProgress(ctx).plus(ctx.progressDeadline());
    if (ctx.now.isBefore(deadline)) {
      ctx.wakeAt(deadline);
    } else {
      ctx.deadlineExceeded = true;
    }
  }

  private static Instant lastProgress(DecisionContext ctx) {
    return ctx.status.lastProgressTime == null
        ? ctx.now
        : Instant.parse(ctx.status.lastProgressTime);
  }

  private static Duration requeueAfter(DecisionContext ctx) {
    boolean moving =
        ctx.status.canaryRevision != null && ctx.status.abort == null
            || ctx.stableReady() < ctx.replicas()
            || ctx.status.abort != null && ctx.canaryReady() > 0;
    Duration limit = moving ? ACTIVE_REQUEUE : IDLE_REQUEUE;
    Instant wake = ctx.wakeUp();
    for (Optional<Instant> due :
        List.of(
            AnalysisSchedule.nextDue(ctx.spec, ctx.status),
            SignalSchedule.nextDue(ctx.spec, ctx.status))) {
      if (due.isPresent() && (wake == null || due.get().isBefore(wake))) {
        wake = due.get();
      }
    }
    if (wake == null) {
      return limit;
    }
    Duration until = Duration.between(ctx.now, wake);
    if (until.isNegative()) {
      return Duration.ZERO;
    }
    return until.compareTo(limit) < 0 ? until : limit;
  }
}
