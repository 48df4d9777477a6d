package io.rearguard.decide;

/** Condition types and reasons, as UpperCamelCase constants in one place. */
public final class Reasons {
  public static final String PROGRESSING = "Progressing";
  public static final String HEALTHY = "Healthy";
  public static final String PAUSED = "Paused";
  public static final String ABORTED = "Aborted";
  public static final String INVALID_SPEC = "InvalidSpec";

  public static final String SPEC_VALID = "SpecValid";
  public static final String REVISION_DEPLOYED = "RevisionDeployed";
  public static final String CANARY_STARTED = "CanaryStarted";
  public static final String CANARY_SUPERSEDED = "CanarySuperseded";
  public static final String CANARY_REVERTED = "CanaryReverted";
  public static final String STEP_COMPLETED = "StepCompleted";
  public static final String PROMOTED = "Promoted";
  public static final String ROLLOUT_HEALTHY = "RolloutHealthy";
  public static final String PHASE_CHANGED = "PhaseChanged";
  public static final String ROLLOUT_COMPLETED = "RolloutCompleted";
  public static final String STABLE_AVAILABLE = "StableAvailable";
  public static final String STABLE_UNAVAILABLE = "StableUnavailable";
  public static final String CANARY_IN_PROGRESS = "CanaryInProgress";
  public static final String NOT_PAUSED = "NotPaused";
  public static final String NOT_ABORTED = "NotAborted";
  public static final String PAUSED_BY_STEP = "PausedByStep";
  public static final String PAUSED_BY_COMMAND = "PausedByCommand";
  public static final String INCONCLUSIVE_ANALYSIS = "InconclusiveAnalysis";
  public static final String ANALYSIS_ERROR = "AnalysisError";
  public static final String ANALYSIS_FAILED = "AnalysisFailed";
  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
  public static final String ABORT_COMMAND = "AbortCommand";
  public static final String RESUMED = "Resumed";
  public static final String RETRIED = "Retried";
  public static final String ROLLOUT_ABORTED = "RolloutAborted";
  public static final String ROLLOUT_PAUSED = "RolloutPaused";
  public static final String COMMAND_REJECTED = "CommandRejected";
  public static final String ROLLBACK_REHEARSED = "RollbackRehearsed";
  public static final String REHEARSAL_PASSED = "RehearsalPassed";
  public static final String REHEARSAL_FAILED = "RehearsalFailed";
  public static final String REHEARSAL_RUNNING = "RehearsalRunning";
  public static final String BURN_RATE_EXCEEDED = "BurnRateExceeded";
  public static final String INVARIANT_VIOLATED = "InvariantViolated";
  public static final String RELEASE_FROZEN = "ReleaseFrozen";
  public static final String RELEASE_UNFROZEN = "ReleaseUnfrozen";
  public static final String FREEZE_OVERRIDDEN = "FreezeOverridden";
  public static final String FAST_ROLLBACK = "FastRollback";
  public static final String ROLLBACK_COMPLETED = "RollbackCompleted";
  public static final String POLICY_COMPLIANT = "PolicyCompliant";
  public static final String POLICY_DENIED = "PolicyDenied";
  public static final String POLICY_ALLOWED = "PolicyAllowed";
  public static final String POLICY_EXEMPT = "PolicyExempt";

  private Reasons() {}
}
