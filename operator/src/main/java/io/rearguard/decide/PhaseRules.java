package io.rearguard.decide;

import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import java.util.List;

/** Derives the phase and the conditions from the rest of the status. */
final class PhaseRules {
  private static final int MAX_MESSAGE = 2000;

  private PhaseRules() {}

  static void derive(DecisionContext ctx) {
    RolloutStatus status = ctx.status;
    RolloutPhase previous = status.phase;
    RolloutPhase phase = phaseOf(ctx);
    status.phase = phase;
    status.message = messageOf(ctx, phase);
    status.observedGeneration = ctx.generation;
    setConditions(ctx, phase);
    if (phase == RolloutPhase.Healthy && previous != RolloutPhase.Healthy) {
      ctx.transition(
          false,
          Reasons.ROLLOUT_HEALTHY,
          "Rollout moved from "
              + (previous == null ? "none" : previous)
              + " to Healthy: revision "
              + status.stableRevision
              + " has "
              + ctx.stableReady()
              + "/"
              + ctx.replicas()
              + " ready pods",
          Transition.OPERATOR);
    }
    if (phase == RolloutPhase.Degraded && previous != RolloutPhase.Degraded) {
      ctx.transition(
          true,
          Reasons.PROGRESS_DEADLINE_EXCEEDED,
          "Rollout moved from " + previous + " to Degraded: " + status.message,
          Transition.OPERATOR);
    }
    if (previous != null && previous != phase && ctx.transitions.isEmpty()) {
      // No other rule explained this change, for example a stable pod came back or the spec became
      // valid again. The change still leaves a record.
      ctx.transition(
          false,
          Reasons.PHASE_CHANGED,
          "Rollout moved from "
              + previous
              + " to "
              + phase
              + ": "
              + status.message
              + " (stable "
              + status.stableRevision
              + " ready "
              + ctx.stableReady()
              + "/"
              + ctx.replicas()
              + ")",
          Transition.OPERATOR);
    }
  }

  private static RolloutPhase phaseOf(DecisionContext ctx) {
    RolloutStatus status = ctx.status;
    if (status.abort != null) {
      return RolloutPhase.Aborted;
    }
    if (status.pauseReason != null) {
      return RolloutPhase.Paused;
    }
    if (ctx.deadlineExceeded) {
      return RolloutPhase.Degraded;
    }
    if (status.canaryRevision != null
        || ctx.stableReady() < ctx.replicas()
        || olderRevisionsReady(ctx) > 0) {
      return RolloutPhase.Progressing;
    }
    return RolloutPhase.Healthy;
  }

  /** Returns the ready pods of revisions other than stable and canary, which still serve. */
  private static int olderRevisionsReady(DecisionContext ctx) {
    int ready = 0;
    for (Observation.RevisionState state : ctx.observation.revisions().values()) {
      String revision = state.revision();
      if (!revision.equals(ctx.status.stableRevision)
          && !revision.equals(ctx.status.canaryRevision)) {
        ready += state.readyReplicas();
      }
    }
    return ready;
  }

  private static String messageOf(DecisionContext ctx, RolloutPhase phase) {
    RolloutStatus status = ctx.status;
    return switch (phase) {
      case Aborted -> status.abort.reason + ": " + truncate(status.abort.message);
      case Paused -> status.pauseReason + " at step " + status.step;
      case Degraded ->
          "no progress for "
              + ctx.progressDeadline().toSeconds()
              + "s; revision "
              + status.stableRevision
              + " has "
              + ctx.stableReady()
              + "/"
              + ctx.replicas()
              + " ready pods";
      case Progressing ->
          status.canaryRevision == null
              ? "deploying revision " + status.stableRevision + olderPodsText(ctx)
              : "canary "
                  + status.canaryRevision
                  + " at step "
                  + status.step
                  + ", weight "
                  + status.canaryWeight
                  + "%";
      default -> "revision " + status.stableRevision + " serves all traffic";
    };
  }

  private static String olderPodsText(DecisionContext ctx) {
    int older = olderRevisionsReady(ctx);
    return older == 0 ? "" : "; " + older + " pods of older revisions still ready";
  }

  private static void setConditions(DecisionContext ctx, RolloutPhase phase) {
    RolloutStatus status = ctx.status;
    var conditions = status.conditions;
    long generation = ctx.generation;
    String message = status.message;
    switch (phase) {
      case Progressing -> set(ctx, Reasons.PROGRESSING, true, Reasons.PROGRESSING, message);
      case Healthy -> set(ctx, Reasons.PROGRESSING, false, Reasons.ROLLOUT_COMPLETED, message);
      case Paused -> set(ctx, Reasons.PROGRESSING, false, Reasons.ROLLOUT_PAUSED, message);
      case Aborted -> set(ctx, Reasons.PROGRESSING, false, Reasons.ROLLOUT_ABORTED, message);
      default -> set(ctx, Reasons.PROGRESSING, false, Reasons.PROGRESS_DEADLINE_EXCEEDED, message);
    }
    boolean healthy = ctx.stableReady() >= ctx.replicas() && !ctx.canaryActive();
    String healthReason =
        healthy
            ? Reasons.STABLE_AVAILABLE
            : ctx.canaryActive() ? Reasons.CANARY_IN_PROGRESS : Reasons.STABLE_UNAVAILABLE;
    set(
        ctx,
        Reasons.HEALTHY,
        healthy,
        healthReason,
        "stable " + status.stableRevision + " ready " + ctx.stableReady() + "/" + ctx.replicas());
    if (status.pauseReason != null) {
      set(ctx, Reasons.PAUSED, true, status.pauseReason, "paused at step " + status.step);
    } else {
      set(ctx, Reasons.PAUSED, false, Reasons.NOT_PAUSED, "");
    }
    if (status.abort != null) {
      set(ctx, Reasons.ABORTED, true, status.abort.reason, truncate(status.abort.message));
    } else {
      set(ctx, Reasons.ABORTED, false, Reasons.NOT_ABORTED, "");
    }
    Conditions.set(
        conditions, Reasons.INVALID_SPEC, false, Reasons.SPEC_VALID, "", generation, ctx.now);
    setRehearsalCondition(ctx);
  }

  private static void setRehearsalCondition(DecisionContext ctx) {
    var rehearsal = ctx.status.rehearsal;
    if (rehearsal == null) {
      return;
    }
    String message = rehearsal.message == null ? "" : rehearsal.message;
    switch (rehearsal.phase) {
      case RehearsalRules.PASSED, RehearsalRules.SKIPPED ->
          set(ctx, Reasons.ROLLBACK_REHEARSED, true, Reasons.REHEARSAL_PASSED, message);
      case RehearsalRules.FAILED ->
          set(ctx, Reasons.ROLLBACK_REHEARSED, false, Reasons.REHEARSAL_FAILED, message);
      default ->
          set(
              ctx,
              Reasons.ROLLBACK_REHEARSED,
              false,
              Reasons.REHEARSAL_RUNNING,
              rehearsal.mode + " rehearsal " + rehearsal.phase);
    }
  }

  private static void set(
      DecisionContext ctx, String type, boolean value, String reason, String message) {
    Conditions.set(ctx.status.conditions, type, value, reason, message, ctx.generation, ctx.now);
  }

  /** Marks the spec invalid; the cluster is left as it is and nothing else changes. */
  static void markInvalid(DecisionContext ctx, List<String> problems) {
    RolloutStatus status = ctx.status;
    String message = truncate(String.join("; ", problems));
    boolean alreadyReported =
        Conditions.isTrue(status.conditions, Reasons.INVALID_SPEC)
            && Conditions.find(status.conditions, Reasons.INVALID_SPEC)
                .map(c -> message.equals(c.getMessage()))
                .orElse(false);
    Conditions.set(
        status.conditions,
        Reasons.INVALID_SPEC,
        true,
        Reasons.INVALID_SPEC,
        message,
        ctx.generation,
        ctx.now);
    status.phase = RolloutPhase.InvalidSpec;
    status.message = message;
    status.observedGeneration = ctx.generation;
    if (!alreadyReported) {
      ctx.transition(true, Reasons.INVALID_SPEC, "Spec rejected: " + message, Transition.OPERATOR);
    }
  }

  private static String truncate(String text) {
    if (text == null || text.length() <= MAX_MESSAGE) {
      return text;
    }
    return text.substring(0, MAX_MESSAGE) + "...";
  }
}
