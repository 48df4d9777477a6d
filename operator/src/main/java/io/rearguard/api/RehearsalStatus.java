package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Result of the rollback rehearsal of the current canary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RehearsalStatus {

  @JsonPropertyDescription("Drill or Verify.")
  public RehearsalSpec.Mode mode;

  @JsonPropertyDescription(
      "Pending (waiting for a release freeze), Checking, Drilling, Passed, Failed or Skipped.")
  public String phase;

  @JsonPropertyDescription("When the rehearsal started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the drill started moving capacity (RFC 3339).")
  public String drillStartTime;

  @JsonPropertyDescription("When the rehearsal ended (RFC 3339).")
  public String endTime;

  @JsonPropertyDescription(
      "Measured seconds until the stable revision had the capacity a rollback needs: the drill's"
          + " time-to-rollback, or the checks' duration in Verify mode.")
  public Double seconds;

  @JsonPropertyDescription("Extra stable pods the drill asked for.")
  public Integer surge;

  @JsonPropertyDescription("Checks passed, in order, and the one that failed.")
  public List<String> checks = new ArrayList<>();

  @JsonPropertyDescription("Explanation of the result.")
  public String message;

  @JsonPropertyDescription("How many rehearsals this canary has had, counting repeats.")
  public int count;

  @JsonPropertyDescription(
      "Whether a rehearsal of this canary has passed, so that the canary may receive traffic.")
  public boolean exposureAllowed;
}
