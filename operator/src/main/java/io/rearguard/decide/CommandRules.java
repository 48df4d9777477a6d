package io.rearguard.decide;

import io.rearguard.api.CommandRef;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Executes manual commands at most once. A command that makes no sense in the current phase is
 * rejected whole, never half-applied.
 */
final class CommandRules {
  /** A command older than this when first seen is rejected as expired. */
  static final Duration COMMAND_TTL = Duration.ofMinutes(10);

  /** Commands remembered in the status, newest last. */
  static final int REMEMBERED_COMMANDS = 20;

  private CommandRules() {}

  /** A command's outcome. */
  private record Result(boolean accepted, String message) {
    static Result accept(String message) {
      return new Result(true, message);
    }

    static Result reject(String message) {
      return new Result(false, message);
    }
  }

  static void apply(DecisionContext ctx) {
    for (Observation.PendingCommand command : ctx.observation.commands()) {
      Optional<CommandRef> known = findByUid(ctx.status, command.uid());
      if (known.isPresent()) {
        // The Rollout's status was written but the command's was not: finish the command only.
        complete(ctx, command, known.get());
        continue;
      }
      String before = stateText(ctx);
      Result result = decide(ctx, command);
      remember(ctx, command, result, before);
    }
  }

  /** Rejects every pending command with the same message. */
  static void rejectAll(DecisionContext ctx, String message) {
    for (Observation.PendingCommand command : ctx.observation.commands()) {
      Optional<CommandRef> known = findByUid(ctx.status, command.uid());
      if (known.isPresent()) {
        complete(ctx, command, known.get());
      } else {
        remember(ctx, command, Result.reject(message), stateText(ctx));
      }
    }
  }

  private static Result decide(DecisionContext ctx, Observation.PendingCommand command) {
    if (command.created() != null && command.created().plus(COMMAND_TTL).isBefore(ctx.now)) {
      return Result.reject(
          "expired: created at "
              + command.created()
              + ", and commands expire after "
              + COMMAND_TTL.toMinutes()
              + " minutes; create a new one if it is still needed");
    }
    Optional<CommandRef> copy = findAcceptedCopy(ctx, command);
    if (copy.isPresent()) {
      return Result.reject(
          "duplicate of command "
              + copy.get().name
              + " accepted at "
              + copy.get().time
              + "; nothing changed");
    }
    String actor = actor(command);
    return switch (command.action()) {
      case ABORT -> abort(ctx, command, actor);
      case PROMOTE -> promote(ctx, actor);
      case PROMOTE_FULL -> promoteFull(ctx, actor);
      case PAUSE -> pause(ctx, command, actor);
      case RESUME -> resume(ctx, actor);
      case RETRY -> retry(ctx, actor);
    };
  }

  private static Result abort(
      DecisionContext ctx, Observation.PendingCommand command, String actor) {
    if (!ctx.canaryActive()) {
      return Result.reject(
          "nothing to abort: no canary is in progress (phase "
              + ctx.status.phase
              + "); stable revision "
              + ctx.status.stableRevision
              + " keeps "
              + ctx.replicas()
              + " replicas");
    }
    String canary = ctx.status.canaryRevision;
    ctx.abort(Reasons.ABORT_COMMAND, "abort requested: " + command.reason(), actor);
    return Result.accept(
        "canary "
            + canary
            + " aborted; all traffic returns to stable "
            + ctx.status.stableRevision);
  }

  private static Result promote(DecisionContext ctx, String actor) {
    if (!ctx.canaryActive()) {
      return Result.reject("nothing to promote: no canary is in progress");
    }
    int index = ctx.status.currentStepIndex;
    if (index >= ctx.steps().size()) {
      return Result.reject("the canary is already being promoted to full weight");
    }
    String denial = PolicyRules.denial(ctx);
    if (denial != null) {
      return Result.reject("a policy denies more traffic for the canary: " + denial);
    }
    ctx.unpause();
    RolloutDecider.completeStep(ctx, index, actor, "promoted by command");
    return Result.accept("step " + ctx.stepText(index) + " skipped");
  }

  private static Result promoteFull(DecisionContext ctx, String actor) {
    if (!ctx.canaryActive()) {
      return Result.reject("nothing to promote: no canary is in progress");
    }
    int index = ctx.status.currentStepIndex;
    if (index >= ctx.steps().size()) {
      return Result.reject("the canary is already being promoted to full weight");
    }
    String denial = PolicyRules.denial(ctx);
    if (denial != null) {
      return Result.reject("a policy denies more traffic for the canary: " + denial);
    }
    ctx.unpause();
    String from = "step " + ctx.stepText(index) + " (weight " + ctx.weightAt(index) + "%)";
    ctx.startStep(ctx.steps().size());
    ctx.transition(
        false,
        Reasons.STEP_COMPLETED,
        "Canary moved from " + from + " to full promotion (weight 100%): promote-full command",
        actor);
    return Result.accept("remaining steps skipped from " + from);
  }

  private static Result pause(
      DecisionContext ctx, Observation.PendingCommand command, String actor) {
    if (!ctx.canaryActive()) {
      return Result.reject("nothing to pause: no canary is in progress");
    }
    if (ctx.status.pauseReason != null) {
      return Result.reject("already paused (" + ctx.status.pauseReason + ")");
    }
    ctx.pause(Reasons.PAUSED_BY_COMMAND, command.reason(), actor);
    return Result.accept("paused at step " + ctx.status.step);
  }

  private static Result resume(DecisionContext ctx, String actor) {
    String reason = ctx.status.pauseReason;
    if (!ctx.canaryActive() || reason == null) {
      return Result.reject("nothing to resume: the rollout is not paused");
    }
    if (Reasons.PAUSED_BY_STEP.equals(reason)) {
      return Result.reject(
          "the rollout waits at a pause step without a duration; use promote to continue");
    }
    if (Reasons.POLICY_DENIED.equals(reason)) {
      return Result.reject(
          "a policy denies the canary; it continues by itself once every rule allows it (fix the"
              + " revision or the policy), or abort it");
    }
    if (Reasons.RELEASE_FROZEN.equals(reason)) {
      return Result.reject(
          "the release is frozen by a low error budget; set spec.releaseFreezeOverride with a"
              + " reason and an expiry to let it through");
    }
    RehearsalRules.restartAfterFailure(ctx);
    ctx.unpause();
    ctx.transition(
        false,
        Reasons.RESUMED,
        "Canary resumed from " + reason + " at step " + ctx.status.step,
        actor);
    return Result.accept("resumed at step " + ctx.status.step);
  }

  private static Result retry(DecisionContext ctx, String actor) {
    RolloutStatus status = ctx.status;
    if (status.abort == null) {
      return Result.reject("nothing to retry: the rollout is not aborted");
    }
    String aborted = status.abort.revision;
    if (!aborted.equals(ctx.observation.desiredRevision())) {
      return Result.reject(
          "the aborted revision " + aborted + " is no longer the spec's pod template");
    }
    ctx.startCanary(aborted);
    ctx.transition(
        false, Reasons.RETRIED, "Canary " + aborted + " restarted from step " + status.step, actor);
    return Result.accept("canary " + aborted + " restarted at step " + status.step);
  }

  private static String stateText(DecisionContext ctx) {
    String phase = ctx.status.phase == null ? "New" : ctx.status.phase.name();
    return ctx.status.step == null ? phase : phase + " at step " + ctx.status.step;
  }

  private static void remember(
      DecisionContext ctx, Observation.PendingCommand command, Result result, String before) {
    CommandRef ref = new CommandRef();
    ref.uid = command.uid();
    ref.name = command.name();
    ref.action = command.action().wireName();
    ref.result =
        (result.accepted()
                ? RolloutCommandStatus.Phase.Accepted
                : RolloutCommandStatus.Phase.Rejected)
            .name();
    ref.message = result.message();
    ref.fingerprint = command.fingerprint();
    ref.time = ctx.now.toString();
    ref.rolloutState = before;
    ctx.status.recentCommands.add(ref);
    while (ctx.status.recentCommands.size() > REMEMBERED_COMMANDS) {
      ctx.status.recentCommands.remove(0);
    }
    if (!result.accepted()) {
      ctx.transition(
          true,
          Reasons.COMMAND_REJECTED,
          "Command " + command.name() + " (" + ref.action + ") rejected: " + result.message(),
          actor(command));
    }
    complete(ctx, command, ref);
  }

  private static void complete(
      DecisionContext ctx, Observation.PendingCommand command, CommandRef ref) {
    ctx.actions.add(
        new Action.CompleteCommand(
            command.name(),
            RolloutCommandStatus.Phase.valueOf(ref.result),
            ref.message,
            ref.time,
            ref.rolloutState));
  }

  private static Optional<CommandRef> findByUid(RolloutStatus status, String uid) {
    return status.recentCommands.stream().filter(ref -> uid.equals(ref.uid)).findFirst();
  }

  private static Optional<CommandRef> findAcceptedCopy(
      DecisionContext ctx, Observation.PendingCommand command) {
    String fingerprint = command.fingerprint();
    return ctx.status.recentCommands.stream()
        .filter(ref -> fingerprint.equals(ref.fingerprint))
        .filter(ref -> RolloutCommandStatus.Phase.Accepted.name().equals(ref.result))
        .filter(ref -> Instant.parse(ref.time).plus(COMMAND_TTL).isAfter(ctx.now))
        .findFirst();
  }

  private static String actor(Observation.PendingCommand command) {
    String by = command.requestedBy() == null ? "unknown requester" : command.requestedBy();
    return "command/" + command.name() + " by " + by;
  }
}
