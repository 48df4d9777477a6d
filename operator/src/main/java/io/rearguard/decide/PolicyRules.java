package io.rearguard.decide;

import io.rearguard.api.RolloutStatus;
import java.util.List;

/**
 * Policy gates: a canary that a policy rule denies gets no traffic, and no more traffic, until
 * every applicable rule allows it. The pause lifts by itself when the verdicts change, like the
 * release freeze. Abort and rollback are never gated, and neither is a fast rollback to a
 * known-good revision: its verdicts are reported in the PolicyCompliant condition only.
 */
final class PolicyRules {
  /** Denials named in full in a condition or an Event; the rest are counted. */
  private static final int NAMED_DENIALS = 3;

  private PolicyRules() {}

  /**
   * Returns whether the policies let the canary go on at {@code moment}, such as "before its first
   * traffic". A denial pauses the canary with reason PolicyDenied; an allowed verdict lifts that
   * pause.
   */
  static boolean allow(DecisionContext ctx, String moment) {
    RolloutStatus status = ctx.status;
    String denial = denial(ctx);
    List<String> deniedRules = deniedRules(ctx);
    List<String> previous = status.policyDeniedRules;
    status.policyDeniedRules = denial == null ? null : deniedRules;
    if (denial == null) {
      setCondition(ctx, true, Reasons.POLICY_COMPLIANT, allowedText(ctx));
      if (Reasons.POLICY_DENIED.equals(status.pauseReason)) {
        ctx.unpause();
        ctx.transition(
            false,
            Reasons.POLICY_ALLOWED,
            "Canary "
                + status.canaryRevision
                + " released from the policy pause at step "
                + status.step
                + ": "
                + allowedText(ctx),
            Transition.OPERATOR);
      }
      return true;
    }
    if (Boolean.TRUE.equals(status.fastRollback)) {
      setCondition(
          ctx,
          false,
          Reasons.POLICY_EXEMPT,
          "fast rollback to a known-good revision is not gated: " + denial);
      return true;
    }
    setCondition(ctx, false, Reasons.POLICY_DENIED, denial);
    if (!Reasons.POLICY_DENIED.equals(status.pauseReason)) {
      ctx.pause(Reasons.POLICY_DENIED, moment + ": " + denial, Transition.OPERATOR);
    } else if (!deniedRules.equals(previous)) {
      // A value that moves on every pass, such as the time in a freeze rule, updates the
      // condition only. A change in which rules deny is a new decision.
      ctx.transition(
          true,
          Reasons.POLICY_DENIED,
          "Canary "
              + status.canaryRevision
              + " stays paused at step "
              + status.step
              + ": "
              + denial,
          Transition.OPERATOR);
    }
    return false;
  }

  /** Returns why the policies stop the canary, or null when they allow it. */
  /** Returns the denying rules as policy/rule, sorted, for comparing one pass with the next. */
  static List<String> deniedRules(DecisionContext ctx) {
    PolicyCheck check = ctx.observation.policies();
    if (check == null) {
      return List.of();
    }
    return check.denials().stream()
        .map(d -> d.policy() + "/" + d.rule() + (d.error() ? " (error)" : ""))
        .sorted()
        .toList();
  }

  static String denial(DecisionContext ctx) {
    PolicyCheck check = ctx.observation.policies();
    if (check == null || check.policies() == 0) {
      return null;
    }
    String canary = ctx.status.canaryRevision;
    if (check.revision() != null && !check.revision().equals(canary)) {
      return "the policies were evaluated for revision "
          + check.revision()
          + ", not for canary "
          + canary
          + "; waiting for an evaluation of the canary";
    }
    List<PolicyCheck.Denial> denials = check.denials();
    if (denials.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(NAMED_DENIALS, denials.size()); i++) {
      if (i > 0) {
        text.append("; ");
      }
      text.append(denials.get(i).text());
    }
    if (denials.size() > NAMED_DENIALS) {
      text.append("; and ").append(denials.size() - NAMED_DENIALS).append(" more rules deny");
    }
    return text.toString();
  }

  private static String allowedText(DecisionContext ctx) {
    PolicyCheck check = ctx.observation.policies();
    if (check == null || check.policies() == 0) {
      return "no policy applies";
    }
    return "all "
        + check.rules()
        + " rules of "
        + check.policies()
        + (check.policies() == 1 ? " policy" : " policies")
        + " allow revision "
        + ctx.status.canaryRevision;
  }

  private static void setCondition(
      DecisionContext ctx, boolean compliant, String reason, String message) {
    Conditions.set(
        ctx.status.conditions,
        Reasons.POLICY_COMPLIANT,
        compliant,
        reason,
        message,
        ctx.generation,
        ctx.now);
  }

  /** Removes the condition once no canary is in progress. */
  static void clearWithoutCanary(DecisionContext ctx) {
    if (!ctx.canaryActive()) {
      ctx.status.conditions.removeIf(c -> Reasons.POLICY_COMPLIANT.equals(c.getType()));
      ctx.status.policyDeniedRules = null;
    }
  }
}
