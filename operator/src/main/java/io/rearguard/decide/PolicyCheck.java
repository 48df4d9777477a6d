package io.rearguard.decide;

import java.util.List;

/**
 * Verdicts of the policy gates for one canary revision, as the observer found them.
 *
 * @param revision the revision the policies were evaluated for; null when none were evaluated
 * @param policies number of applicable policies
 * @param rules number of rules evaluated
 * @param denials the rules that denied or could not be evaluated, in policy and rule order
 */
public record PolicyCheck(String revision, int policies, int rules, List<Denial> denials) {

  /** No policy applies. */
  public static final PolicyCheck NONE = new PolicyCheck(null, 0, 0, List.of());

  public PolicyCheck {
    denials = List.copyOf(denials);
  }

  /**
   * One rule that stops the canary.
   *
   * @param policy the policy, as "RolloutPolicy namespace/name" or "ClusterRolloutPolicy name"
   * @param rule the rule's name
   * @param error whether the rule could not be evaluated, rather than returning false
   * @param text the policy, rule, message and failing value or error, in one line
   */
  public record Denial(String policy, String rule, boolean error, String text) {}
}
