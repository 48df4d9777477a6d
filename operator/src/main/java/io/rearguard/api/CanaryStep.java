package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** One canary step: exactly one of setWeight, pause or analysis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.setWeight) ? 1 : 0) + (has(self.pause) ? 1 : 0) + (has(self.analysis) ? 1 : 0)"
            + " == 1",
    message = "each step must set exactly one of setWeight, pause or analysis")
public class CanaryStep {

  @JsonPropertyDescription(
      "Percentage of traffic for the canary, 0 to 100. Without a traffic router it is carried by"
          + " replica counts: the canary gets ceil(replicas * setWeight / 100) pods. The step"
          + " completes when those pods are ready.")
  @Min(0)
  @Max(100)
  public Integer setWeight;

  @JsonPropertyDescription("Pause for a duration, or until promoted when no duration is given.")
  public PauseStep pause;

  @JsonPropertyDescription(
      "Metrics that must pass before the next step. The step completes when every metric has"
          + " taken its count of measurements and passed.")
  public AnalysisSpec analysis;
}
