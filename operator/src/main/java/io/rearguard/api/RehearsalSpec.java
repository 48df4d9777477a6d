package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Rollback rehearsal settings, applied before a new revision receives its first traffic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RehearsalSpec {

  @JsonPropertyDescription(
      "Drill checks the stable revision and then moves capacity as a rollback would: the stable"
          + " revision gets the pods that the first step would give the canary, and the time"
          + " until they are ready is the measured time-to-rollback; then they are removed."
          + " Verify only checks that the stable ReplicaSet exists with enough ready pods. Off"
          + " skips the rehearsal.")
  @Default("Drill")
  public Mode mode = Mode.Drill;

  @JsonPropertyDescription(
      "A drill that takes longer than this halts the rollout before any traffic moves.")
  @Min(1)
  @Max(3600)
  @Default("60")
  public Integer maxRollbackSeconds = 60;

  @JsonPropertyDescription("Ready stable pods needed to pass the checks, in percent of replicas.")
  @Min(1)
  @Max(100)
  @Default("100")
  public Integer minStableReadyPercent = 100;

  @JsonPropertyDescription(
      "While the canary waits in a pause, rehearse again after this long, such as 30m. Absent:"
          + " rehearse once per revision.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  public String repeatEvery;

  /** Rehearsal modes. */
  public enum Mode {
    /** Checks, then moves capacity as a rollback would and times it. */
    Drill,
    /** Checks only. */
    Verify,
    /** No rehearsal. */
    Off
  }
}
