package io.rearguard.api;

/** Summary phase of a Rollout, derived from its status. */
public enum RolloutPhase {
  /** A new revision is being deployed or exposed step by step. */
  Progressing,
  /** A canary is held at its current weight by a step, a command or an analysis outcome. */
  Paused,
  /**
   * The stable revision runs at full capacity, no canary is in progress, and no older revision has
   * ready pods left.
   */
  Healthy,
  /** The rollout exceeded its progress deadline without aborting. */
  Degraded,
  /** The canary was rolled back; the stable revision serves all traffic. */
  Aborted,
  /** The spec cannot be acted on; see the InvalidSpec condition. */
  InvalidSpec
}
