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
        if (!wasAborted) {
          ctx.transition(
              true,
              Reasons.CANARY_REVERTED,
              "Canary "
                  + canary
                  + " reverted to stable "
                  + desired
                  + ": the pod template matches the stable revision again",
              Transition.OPERATOR);
        }
      }
      return;
    }
    if (desired.equals(status.canaryRevision)) {
      return;
    }
    String previous = status.canaryRevision;
    boolean superseded = previous != null && status.abort == null;
    ctx.startCanary(desired);
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

  /** Makes the canary the stable revision once it runs at full capacity. */
  static void promote(DecisionContext ctx) {
    RolloutStatus status = ctx.status;
    String previous = status.stableRevision;
    String canary = status.canaryRevision;
    status.stableRevision = canary;
    status.stableReadyReplicas = ctx.observation.revision(canary).readyReplicas();
    ctx.clearCanary();
    status.analysis.clear();
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
}
