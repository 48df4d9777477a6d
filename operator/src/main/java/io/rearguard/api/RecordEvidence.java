package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The numbers behind an automatic decision, copied from the Rollout's status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecordEvidence {

  @JsonPropertyDescription("The abort message, when the transition aborted the canary.")
  public String message;

  @JsonPropertyDescription("The analysis runs the decision was based on, with their last values.")
  public List<MetricEvidence> metrics;
}
