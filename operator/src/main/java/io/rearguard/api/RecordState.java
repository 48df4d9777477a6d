package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Phase and canary step of a Rollout at one moment, as kept in a RolloutRecord. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecordState {

  @JsonPropertyDescription("Phase of the Rollout; absent before its first status.")
  public String phase;

  @JsonPropertyDescription("Canary step as n/N; absent without a canary.")
  public String step;

  @JsonPropertyDescription("Percentage of traffic the canary should receive.")
  public Integer canaryWeight;
}
