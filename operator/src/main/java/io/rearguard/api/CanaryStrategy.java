package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Steps of a canary and the analysis that runs across all of them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryStrategy {

  @JsonPropertyDescription(
      "Ordered steps. After the last step the canary is scaled to full capacity and promoted to"
          + " stable.")
  @Required
  @Size(min = 1, max = 50)
  public List<CanaryStep> steps;

  @JsonPropertyDescription(
      "Background analysis: its metrics are measured from the first step until promotion, and a"
          + " Failed result aborts the canary at any step.")
  public AnalysisSpec analysis;
}
