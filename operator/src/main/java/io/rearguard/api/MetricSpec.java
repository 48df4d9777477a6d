package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** One Prometheus query, how often it is measured, and the threshold it must meet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricSpec {

  @JsonPropertyDescription("Name of the metric, unique within its analysis.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  public String name;

  @JsonPropertyDescription("The Prometheus server and query.")
  @Required
  public PrometheusQuery prometheus;

  @JsonPropertyDescription(
      "Values for the query's placeholders, by name. The built-in placeholders namespace,"
          + " rollout, canaryRevision and stableRevision are always set.")
  public Map<String, String> args;

  @JsonPropertyDescription("Time between measurements, such as 10s or 1m.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  @Default("10s")
  public String interval = "10s";

  @JsonPropertyDescription(
      "Measurements a step analysis takes before it can pass. A background analysis ignores it"
          + " and measures until promotion.")
  @Min(1)
  @Max(1000)
  @Default("3")
  public Integer count = 3;

  @JsonPropertyDescription("The threshold each measured value must meet.")
  @Required
  public Threshold threshold;

  @JsonPropertyDescription(
      "Failed measurements tolerated; one more fails the analysis at once and aborts.")
  @Min(0)
  @Default("0")
  @Max(1000)
  public Integer failureLimit = 0;

  @JsonPropertyDescription(
      "Consecutive Error measurements tolerated; one more ends the analysis in Error.")
  @Min(0)
  @Default("4")
  @Max(1000)
  public Integer consecutiveErrorLimit = 4;

  @JsonPropertyDescription(
      "Inconclusive measurements tolerated; one more pauses the rollout for a human decision.")
  @Min(0)
  @Default("0")
  @Max(1000)
  public Integer inconclusiveLimit = 0;

  @JsonPropertyDescription(
      "How a NoData measurement (an empty result, NaN or an infinite value) is counted: as"
          + " Failed, Error or Inconclusive. It is never counted as Successful.")
  @Default("Error")
  public NoDataPolicy noData = NoDataPolicy.Error;

  /** Counting rule for a NoData measurement against the limits. */
  public enum NoDataPolicy {
    /** Count NoData as a failed measurement. */
    Failed,
    /** Count NoData as an error. */
    Error,
    /** Count NoData as an inconclusive measurement. */
    Inconclusive
  }
}
