package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A set of metrics that are measured and judged together. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisSpec {

  @JsonPropertyDescription("Metrics to measure. The worst outcome across metrics decides.")
  @Required
  @Size(min = 1, max = 20)
  public List<MetricSpec> metrics;

  @JsonPropertyDescription(
      "What happens when a metric ends in Error (too many consecutive errors, or a run made"
          + " mostly of errors): Abort rolls back, Pause holds the canary until a resume or"
          + " promote command. Errors below the limit hold the step, but each one still counts"
          + " towards a step analysis's count, so a run that reaches its count with most"
          + " measurements not Successful ends in Error as well.")
  @Default("Abort")
  public ErrorPolicy onError = ErrorPolicy.Abort;

  /** Reaction to an analysis that ends in Error. */
  public enum ErrorPolicy {
    /** Roll back to the stable revision. */
    Abort,
    /** Keep the current weight and wait for a command. */
    Pause
  }
}
