package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Record of why a canary was rolled back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AbortStatus {

  @JsonPropertyDescription("Revision that was aborted. It stays at zero pods until retried.")
  public String revision;

  @JsonPropertyDescription("When the abort was decided (RFC 3339).")
  public String time;

  @JsonPropertyDescription(
      "Who decided: 'operator' for an automatic rollback, or the command and its requester.")
  public String actor;

  @JsonPropertyDescription(
      "Reason code: AnalysisFailed, AnalysisError, BurnRateExceeded, InvariantViolated,"
          + " ProgressDeadlineExceeded or AbortCommand.")
  public String reason;

  @JsonPropertyDescription("Explanation, with the numbers behind an automatic decision.")
  public String message;

  @JsonPropertyDescription("Step index at which the canary was aborted.")
  public Integer stepIndex;

  @JsonPropertyDescription(
      "Seconds from the abort until the stable revision was at full capacity and the canary had"
          + " no ready pods: the time-to-rollback.")
  public Double rollbackSeconds;
}
