package io.rearguard.policy;

/**
 * Outcome of one rule of one policy for one input.
 *
 * @param policy the policy
 * @param rule the rule's name
 * @param verdict Allowed, Denied or Error
 * @param message the rule's message, "" when it has none
 * @param value rendering of the failing value for a denial, "" when allowed. It is the value
 *     expression's result, or the expression itself when the rule has no value expression.
 * @param error why the rule could not be evaluated; "" unless the verdict is Error
 */
public record RuleVerdict(
    PolicyRef policy, String rule, Verdict verdict, String message, String value, String error) {

  /** Returns whether the verdict stops the canary: Denied or Error. */
  public boolean denies() {
    return verdict != Verdict.Allowed;
  }

  /** Returns one line naming the policy, the rule and what failed, for conditions and Events. */
  public String describe() {
    StringBuilder text =
        new StringBuilder(policy.display()).append(" rule ").append(rule).append(' ');
    switch (verdict) {
      case Allowed -> text.append("allows");
      case Denied -> text.append("denies");
      case Error -> text.append("could not be evaluated (denies)");
    }
    if (!message.isEmpty()) {
      text.append(": ").append(message);
    }
    if (!value.isEmpty()) {
      text.append("; value: ").append(value);
    }
    if (!error.isEmpty()) {
      text.append("; error: ").append(error);
    }
    return text.toString();
  }
}
