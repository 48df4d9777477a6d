package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Strategy of a Rollout; canary is the only strategy so far. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStrategy {

  @JsonPropertyDescription("Canary strategy: traffic moves to the new revision in steps.")
  @Required
  public CanaryStrategy canary;
}
