package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A command the operator has already decided on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CommandRef {

  @JsonPropertyDescription("UID of the RolloutCommand.")
  public String uid;

  @JsonPropertyDescription("Name of the RolloutCommand.")
  public String name;

  @JsonPropertyDescription("Action of the command.")
  public String action;

  @JsonPropertyDescription("Whether the command was Accepted or Rejected.")
  public String result;

  @JsonPropertyDescription("Message given to the command's status.")
  public String message;

  @JsonPropertyDescription("Identity of the command (action, reason, requester), to spot copies.")
  public String fingerprint;

  @JsonPropertyDescription("When the command was decided (RFC 3339).")
  public String time;

  @JsonPropertyDescription("The Rollout's phase and step before the command.")
  public String rolloutState;
}
