package io.rearguard.decide;

import io.rearguard.api.Durations;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RehearsalStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Rehearses the rollback before a canary's first traffic, and again during long pauses. Checking
 * waits for the stable revision to have enough ready pods; Drilling gives the stable revision the
 * pods a rollback would give it and times until they are ready.
 */
final class RehearsalRules {
  static final String PENDING = "Pending";
  static final String CHECKING = "Checking";
  static final String DRILLING = "Drilling";
  static final String PASSED = "Passed";
  static final String FAILED = "Failed";
  static final String SKIPPED = "Skipped";

  private RehearsalRules() {}

  /** Returns the spec's rehearsal settings; an absent block means Verify with defaults. */
  static RehearsalSpec settings(DecisionContext ctx) {
    if (ctx.spec.rehearsal != null) {
      return ctx.spec.rehearsal;
    }
    RehearsalSpec verify = new RehearsalSpec();
    verify.mode = RehearsalSpec.Mode.Verify;
    return verify;
  }

  /** Creates the rehearsal status of a new canary. */
  static RehearsalStatus initial(DecisionContext ctx) {
    RehearsalStatus rehearsal = new RehearsalStatus();
    rehearsal.mode = settings(ctx).mode;
    if (rehearsal.mode == RehearsalSpec.Mode.Off) {
      // Exposure still waits for run(), so the policy and freeze gates before the first traffic
      // apply without a rehearsal too.
      rehearsal.phase = SKIPPED;
      rehearsal.exposureAllowed = false;
      rehearsal.message = "rehearsal is off";
    } else {
      rehearsal.phase = PENDING;
    }
    return rehearsal;
  }

  /** Advances the rehearsal; returns whether the canary may have traffic now. */
  static boolean run(DecisionContext ctx) {
    RehearsalStatus rehearsal = ctx.status.rehearsal;
    if (rehearsal == null) {
      return true;
    }
    switch (rehearsal.phase) {
      case PENDING -> start(ctx, rehearsal);
      case CHECKING -> check(ctx, rehearsal);
      case DRILLING -> drill(ctx, rehearsal);
      case SKIPPED -> rehearsal.exposureAllowed = true;
      default -> {}
    }
    return rehearsal.exposureAllowed;
  }

  /** Starts a repeat rehearsal when a paused canary's last one is older than repeatEvery. */
  static void repeatIfDue(DecisionContext ctx, boolean waitingInPause) {
    RehearsalStatus rehearsal = ctx.status.rehearsal;
    String every = settings(ctx).repeatEvery;
    if (rehearsal == null || every == null || !waitingInPause || !PASSED.equals(rehearsal.phase)) {
      return;
    }
    Instant due = Instant.parse(rehearsal.endTime).plus(Durations.parse(every));
    if (ctx.now.isBefore(due)) {
      ctx.wakeAt(due);
      return;
    }
    start(ctx, rehearsal);
  }

  private static void start(DecisionContext ctx, RehearsalStatus rehearsal) {
    rehearsal.phase = CHECKING;
    rehearsal.count++;
    rehearsal.startTime = ctx.now.toString();
    rehearsal.drillStartTime = null;
    rehearsal.endTime = null;
    rehearsal.seconds = null;
    rehearsal.surge = null;
    rehearsal.checks.clear();
    rehearsal.message = null;
    check(ctx, rehearsal);
  }

  private static void check(DecisionContext ctx, RehearsalStatus rehearsal) {
    RehearsalSpec settings = settings(ctx);
    Observation.RevisionState stable = ctx.observation.revision(ctx.status.stableRevision);
    int base = stableBase(ctx);
    int required = (int) Math.ceil(base * settings.minStableReadyPercent / 100.0);
    if (!stable.exists()) {
      timeout(
          ctx, rehearsal, "stable ReplicaSet of revision " + ctx.status.stableRevision + " exists");
      return;
    }
    if (stable.readyReplicas() < required) {
      timeout(
          ctx,
          rehearsal,
          "stable revision has "
              + required
              + " ready pods (it has "
              + stable.readyReplicas()
              + ")");
      return;
    }
    rehearsal.checks.add("stable ReplicaSet exists");
    rehearsal.checks.add("stable ready " + stable.readyReplicas() + "/" + base);
    if (rehearsal.mode == RehearsalSpec.Mode.Drill) {
      rehearsal.phase = DRILLING;
      rehearsal.drillStartTime = ctx.now.toString();
      rehearsal.surge = surge(ctx);
      return;
    }
    pass(ctx, rehearsal, Instant.parse(rehearsal.startTime), "checks passed");
  }

  private static void drill(DecisionContext ctx, RehearsalStatus rehearsal) {
    int target = stableBase(ctx) + rehearsal.surge;
    int ready = ctx.stableReady();
    Instant started = Instant.parse(rehearsal.drillStartTime);
    if (ready >= target) {
      rehearsal.checks.add(
          "stable regained " + rehearsal.surge + " pods, ready " + ready + "/" + target);
      pass(ctx, rehearsal, started, "stable revision took back the capacity a rollback needs");
      return;
    }
    Instant deadline = started.plusSeconds(settings(ctx).maxRollbackSeconds);
    if (ctx.now.isAfter(deadline)) {
      fail(
          ctx,
          rehearsal,
          "drill: stable revision reached "
              + ready
              + "/"
              + target
              + " ready pods, not "
              + target
              + ", within maxRollbackSeconds "
              + settings(ctx).maxRollbackSeconds);
    } else {
      ctx.wakeAt(deadline.plusMillis(1));
    }
  }

  private static void timeout(DecisionContext ctx, RehearsalStatus rehearsal, String check) {
    Instant deadline =
        Instant.parse(rehearsal.startTime).plusSeconds(settings(ctx).maxRollbackSeconds);
    if (ctx.now.isAfter(deadline)) {
      fail(
          ctx,
          rehearsal,
          "check failed: "
              + check
              + ", within maxRollbackSeconds "
              + settings(ctx).maxRollbackSeconds);
    } else {
      ctx.wakeAt(deadline.plusMillis(1));
    }
  }

  private static void pass(
      DecisionContext ctx, RehearsalStatus rehearsal, Instant from, String what) {
    rehearsal.phase = PASSED;
    rehearsal.endTime = ctx.now.toString();
    rehearsal.seconds = Duration.between(from, ctx.now).toMillis() / 1000.0;
    rehearsal.surge = null;
    rehearsal.exposureAllowed = true;
    rehearsal.message =
        String.format(
            Locale.ROOT,
            "%s rehearsal %d passed in %.3fs: %s",
            rehearsal.mode,
            rehearsal.count,
            rehearsal.seconds,
            what);
    ctx.transition(
        false,
        Reasons.REHEARSAL_PASSED,
        "Rollback rehearsal of canary "
            + ctx.status.canaryRevision
            + " moved from "
            + (rehearsal.mode == RehearsalSpec.Mode.Drill ? DRILLING : CHECKING)
            + " to "
            + PASSED
            + ": "
            + rehearsal.message
            + " ("
            + String.join(", ", rehearsal.checks)
            + ")",
        Transition.OPERATOR);
  }

  private static void fail(DecisionContext ctx, RehearsalStatus rehearsal, String why) {
    rehearsal.phase = FAILED;
    rehearsal.endTime = ctx.now.toString();
    rehearsal.surge = null;
    rehearsal.checks.add("FAILED " + why);
    rehearsal.message = rehearsal.mode + " rehearsal " + rehearsal.count + " failed: " + why;
    ctx.pause(Reasons.REHEARSAL_FAILED, rehearsal.message, Transition.OPERATOR);
  }

  /** Stable pods wanted without the drill: replicas minus what the canary has taken. */
  static int stableBase(DecisionContext ctx) {
    int target =
        ReplicaMath.canaryReplicas(
            ctx.replicas(), ctx.status.canaryWeight == null ? 0 : ctx.status.canaryWeight);
    return ReplicaMath.stableReplicas(ctx.replicas(), target, ctx.canaryReady());
  }

  /** Pods the drill adds to the stable: the canary's pods now, or its first step's share. */
  private static int surge(DecisionContext ctx) {
    int weight = ctx.status.canaryWeight == null ? 0 : ctx.status.canaryWeight;
    if (weight == 0) {
      weight = firstWeight(ctx);
    }
    return Math.max(1, ReplicaMath.canaryReplicas(ctx.replicas(), weight));
  }

  private static int firstWeight(DecisionContext ctx) {
    for (var step : ctx.steps()) {
      if (step.setWeight != null && step.setWeight > 0) {
        return step.setWeight;
      }
    }
    return 100;
  }

  /** Stops a rehearsal in progress, withdrawing the drill's extra pods, to run it later. */
  static void cancel(DecisionContext ctx) {
    RehearsalStatus rehearsal = ctx.status.rehearsal;
    if (rehearsal != null
        && (CHECKING.equals(rehearsal.phase) || DRILLING.equals(rehearsal.phase))) {
      rehearsal.phase = PENDING;
      rehearsal.surge = null;
    }
  }

  /** Lets a halted rehearsal run again, after a resume command. */
  static void restartAfterFailure(DecisionContext ctx) {
    RehearsalStatus rehearsal = ctx.status.rehearsal;
    if (rehearsal != null && FAILED.equals(rehearsal.phase)) {
      rehearsal.phase = PENDING;
    }
  }
}
