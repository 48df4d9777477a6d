package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Result of a command. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutCommandStatus {

  /** Result phases. */
  public enum Phase {
    Accepted,
    Rejected
  }

  @JsonPropertyDescription("Accepted when the action was applied, Rejected when it was not.")
  public Phase phase;

  @JsonPropertyDescription("What was done, or why the command was rejected.")
  public String message;

  @JsonPropertyDescription("When the operator decided (RFC 3339).")
  public String processedTime;

  @JsonPropertyDescription("Rollout phase and step before the command.")
  public String rolloutState;
}
