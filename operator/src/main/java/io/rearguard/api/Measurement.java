package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One measurement of a metric. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Measurement {

  @JsonPropertyDescription("When the query was sent (RFC 3339).")
  public String time;

  @JsonPropertyDescription("The query as sent, with placeholders resolved.")
  public String query;

  @JsonPropertyDescription("The value returned, as text (NaN and infinities included).")
  public String value;

  @JsonPropertyDescription("Successful, Failed, Error, Inconclusive or NoData.")
  public MeasurementOutcome outcome;

  @JsonPropertyDescription("Why the outcome was reached, such as the threshold or the error.")
  public String message;
}
