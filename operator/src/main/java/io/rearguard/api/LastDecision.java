package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last transition: who or what decided it, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LastDecision {

  @JsonPropertyDescription("When the decision was made (RFC 3339).")
  public String time;

  @JsonPropertyDescription("'operator', or 'command/<name>' with its requester.")
  public String actor;

  @JsonPropertyDescription("Reason code, UpperCamelCase.")
  public String reason;

  @JsonPropertyDescription("What changed, worded as from A to B.")
  public String message;
}
