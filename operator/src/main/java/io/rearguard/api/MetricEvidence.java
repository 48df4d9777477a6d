package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One analysis run and its last measurement, as evidence in a RolloutRecord. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricEvidence {

  @JsonPropertyDescription("Metric name.")
  public String metric;

  @JsonPropertyDescription("Step for a step analysis, Background for the background analysis.")
  public String scope;

  @JsonPropertyDescription("Step index of a step analysis, from 0.")
  public Integer stepIndex;

  @JsonPropertyDescription(
      "Outcome of the run: Running, Successful, Failed, Error or Inconclusive.")
  public String phase;

  @JsonPropertyDescription(
      "Counts of the run, such as '2 successful, 1 failed, 0 error, 0 inconclusive of 3'.")
  public String counts;

  @JsonPropertyDescription(
      "The threshold from the spec, such as 'max 0.05'; the query's own range selector is the"
          + " window.")
  public String threshold;

  @JsonPropertyDescription("Time between measurements, from the spec.")
  public String interval;

  @JsonPropertyDescription("When the last measurement was taken (RFC 3339).")
  public String time;

  @JsonPropertyDescription("The last query as sent, with placeholders resolved.")
  public String query;

  @JsonPropertyDescription("The last value returned, as text.")
  public String value;

  @JsonPropertyDescription("Outcome of the last measurement.")
  public String outcome;

  @JsonPropertyDescription("Why the last measurement had its outcome.")
  public String reason;
}
