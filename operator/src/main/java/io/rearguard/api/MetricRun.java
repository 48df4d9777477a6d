package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Counters and recent measurements of one metric within one analysis run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricRun {

  @JsonPropertyDescription("Metric name.")
  public String name;

  @JsonPropertyDescription("Step for a step analysis, Background for the background analysis.")
  public String scope;

  @JsonPropertyDescription("Step index of a step analysis.")
  public Integer stepIndex;

  @JsonPropertyDescription(
      "Outcome of the run so far: Running, Successful, Failed, Error or" + " Inconclusive.")
  public String phase;

  @JsonPropertyDescription("Measurements taken in this run.")
  public int count;

  @JsonPropertyDescription("Successful measurements.")
  public int successful;

  @JsonPropertyDescription("Failed measurements.")
  public int failed;

  @JsonPropertyDescription("Error measurements.")
  public int errors;

  @JsonPropertyDescription("Error measurements in a row, reset by any other outcome.")
  public int consecutiveErrors;

  @JsonPropertyDescription("Inconclusive measurements.")
  public int inconclusive;

  @JsonPropertyDescription("NoData measurements (also counted as the metric's noData policy).")
  public int noData;

  @JsonPropertyDescription("Time of the last measurement (RFC 3339).")
  public String lastMeasurementTime;

  @JsonPropertyDescription("The last measurements, oldest first.")
  public List<Measurement> measurements = new ArrayList<>();
}
