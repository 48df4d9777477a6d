package io.rearguard.policy;

/** Outcome of one rule. Both Denied and Error stop the canary. */
public enum Verdict {
  /** The rule returned true. */
  Allowed,
  /** The rule returned false. */
  Denied,
  /** The rule could not be evaluated: a compile or CEL error, a limit, or a non-bool result. */
  Error
}
