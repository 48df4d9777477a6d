package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** A pause step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PauseStep {

  @JsonPropertyDescription(
      "How long to pause, such as 30s, 5m or 1h30m. Without a duration the rollout stays paused"
          + " until a promote command.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  public String duration;
}
