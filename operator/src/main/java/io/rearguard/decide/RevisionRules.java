package io.rearguard.decide;

import io.rearguard.api.RolloutStatus;

/** Follows the spec's pod template: first deployment, new canary, revert, promotion. */
final class RevisionRules {
  private RevisionRules() {}

  static void followDesiredRevision(DecisionContext ctx) {
    RolloutStatus status = ctx.status;
    String desired = ctx.observation.desiredRevision();
    if (status.stableRevision == null) {
      status.stableRevision = desired;
      status.stableReadyReplicas = ctx.stableReady();
      status.canaryWeight = 0;
      ctx.markProgress();
      ctx.transition(
          false,
          Reasons.REVISION_DEPLOYED,
          "Revision " + desired + " deployed from none to " + ctx.replicas() + " replicas",
          Transition.OPERATOR);
      return;
    }
    if (desired.equals(status.stableRevision)) {
      if (status.canaryRevision != null) {
        String canary = status.canaryRevision;
        boolean wasAborted = status.abort != null;
        status.abort = null;
        ctx.clearCanary();
        status.analysis.clear();
        String why =
            wasAborted
                ? ": the pod template matches the stable revision again; the abort is cleared"
                : ": the pod template matches the stable revision again";
        ctx.transition(
            !wasAborted,
            Reasons.CANARY_REVERTED,
            (wasAborted ? "Aborted canary " : "Canary ")
                + canary
                + " reverted to stable "
                + desired
                + why,
            Transition.OPERATOR);
      }
      return;
    }
    if (desired.equals(status.canaryRevision)) {
      return;
    }
    String previous = status.canaryRevision;
    boolean superseded = previous != null && status.abort == null;
    ctx.startCanary(desired);
    if (status.knownGoodRevisions != null && status.knownGoodRevisions.contains(desired)) {
      startFastRollback(ctx, desired);
      return;
    }
    String message =
        superseded
            ? "Canary moved from revision "
                + previous
                + " to "
                + desired
                + " at step "
                + status.step
                + ": a newer pod template superseded it"
            : "Canary started from stable "
                + status.stableRevision
                + " to "
                + desired
                + " at step "
                + status.step;
    ctx.transition(
        false,
        superseded ? Reasons.CANARY_SUPERSEDED : Reasons.CANARY_STARTED,
        message,
        Transition.OPERATOR);
  }

  /**
   * Returns to a known-good revision without steps, analysis or rehearsal. Its ReplicaSet is scaled
   * up first; the stable revision gives up a pod for each one that becomes ready.
   */
  private static void startFastRollback(DecisionContext ctx, String revision) {
    RolloutStatus status = ctx.status;
    status.fastRollback = true;
    status.rehearsal.phase = RehearsalRules.SKIPPED;
    status.rehearsal.exposureAllowed = true;
    status.rehearsal.message = "skipped: fast rollback to a known-good revision";
    ctx.startStep(ctx.steps().size());
    ctx.transition(
        false,
        Reasons.FAST_ROLLBACK,
        "Fast rollback from stable "
            + status.stableRevision
            + " to known-good revision "
            + revision
            + ": steps, analysis and rehearsal are skipped",
        Transition.OPERATOR);
  }

  /** Records the time-to-rollback once an aborted canary is fully replaced by the stable. */
  static void completeRollback(DecisionContext ctx) {
    var abort = ctx.status.abort;
    if (abort == null || abort.rollbackSeconds != null || abort.time == null) {
      return;
    }
    if (ctx.stableReady() < ctx.replicas() || ctx.canaryReady() > 0) {
      return;
    }
    abort.rollbackSeconds =
        java.time.Duration.between(java.time.Instant.parse(abort.time), ctx.now).toMillis()
            / 1000.0;
    ctx.transition(
        false,
        Reasons.ROLLBACK_COMPLETED,
        "Rollback of canary "
            + abort.revision
            + " completed in "
            + abort.rollbackSeconds
            + "s: stable "
            + ctx.status.stableRevision
            + " has "
            + ctx.stableReady()
            + "/"
            + ctx.replicas()
            + " ready pods and the canary none",
        Transition.OPERATOR);
  }

  /** Makes the canary the stable revision once it runs at full capacity. */
  static void promote(DecisionContext ctx) {
    RolloutStatus status = ctx.status;
    String previous = status.stableRevision;
    String canary = status.canaryRevision;
    rememberKnownGood(ctx, previous, canary);
    status.stableRevision = canary;
    status.stableReadyReplicas = ctx.observation.revision(canary).readyReplicas();
    ctx.clearCanary();
    status.analysis.clear();
    status.fastRollback = null;
    ctx.markProgress();
    ctx.transition(
        false,
        Reasons.PROMOTED,
        "Stable moved from revision "
            + previous
            + " to "
            + canary
            + " after "
            + ctx.steps().size()
            + " steps",
        Transition.OPERATOR);
  }

  private static void rememberKnownGood(DecisionContext ctx, String previous, String next) {
    var known = ctx.status.knownGoodRevisions;
    known.remove(next);
    known.remove(previous);
    known.add(0, previous);
    int limit = ctx.spec.knownGoodRevisions == null ? 3 : ctx.spec.knownGoodRevisions;
    while (known.size() > limit) {
      known.remove(known.size() - 1);
    }
  }
}
