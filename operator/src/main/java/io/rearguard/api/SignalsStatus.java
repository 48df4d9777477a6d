package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Last evaluation of the SLO triggers, the invariant counters and the error budget. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SignalsStatus {

  @JsonPropertyDescription("When the burn-rate triggers were last evaluated (RFC 3339).")
  public String sloTime;

  @JsonPropertyDescription("When the invariants were last evaluated (RFC 3339).")
  public String invariantsTime;

  @JsonPropertyDescription("Burn-rate triggers, canary and stable side by side.")
  public List<BurnRateStatus> burnRates = new ArrayList<>();

  @JsonPropertyDescription("Invariant counters of the canary.")
  public List<InvariantStatus> invariants = new ArrayList<>();

  @JsonPropertyDescription("Remaining error budget of the stable revision.")
  public BudgetStatus budget;

  /** One burn-rate trigger's last evaluation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BurnRateStatus {
    @JsonPropertyDescription("Trigger name.")
    public String name;

    @JsonPropertyDescription("Burn-rate threshold.")
    public Double threshold;

    @JsonPropertyDescription("Long and short window, such as 1h/5m.")
    public String windows;

    @JsonPropertyDescription("Canary burn rate over the long window, as text.")
    public String canaryLong;

    @JsonPropertyDescription("Canary burn rate over the short window, as text.")
    public String canaryShort;

    @JsonPropertyDescription("Stable burn rate over the long window, as text.")
    public String stableLong;

    @JsonPropertyDescription("Stable burn rate over the short window, as text.")
    public String stableShort;

    @JsonPropertyDescription(
        "Successful (not firing), Failed (firing), NoData or Error, from the canary's side.")
    public MeasurementOutcome outcome;

    @JsonPropertyDescription(
        "Whether the stable revision exceeds the threshold over both windows too, which points"
            + " at a cause shared by both revisions.")
    public Boolean stableBurning;

    @JsonPropertyDescription("Evaluations in a row without an answer.")
    public int consecutiveErrors;

    @JsonPropertyDescription("Explanation, with the error when there is one.")
    public String message;
  }

  /** One invariant counter's last evaluation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class InvariantStatus {
    @JsonPropertyDescription("Invariant name.")
    public String name;

    @JsonPropertyDescription("Increase observed for the canary over the window, as text.")
    public String increase;

    @JsonPropertyDescription("Range of the increase() query.")
    public String window;

    @JsonPropertyDescription("The query as sent.")
    public String query;

    @JsonPropertyDescription("Successful (no increase), Failed (increase), NoData or Error.")
    public MeasurementOutcome outcome;

    @JsonPropertyDescription("Evaluations in a row without an answer.")
    public int consecutiveErrors;

    @JsonPropertyDescription("Explanation, with the error when there is one.")
    public String message;
  }

  /** The stable revision's remaining error budget. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BudgetStatus {
    @JsonPropertyDescription("Remaining budget in percent, as text; negative when overspent.")
    public String remainingPercent;

    @JsonPropertyDescription("Freeze threshold in percent.")
    public Double freezeBelowPercent;

    @JsonPropertyDescription("Whether the remaining budget is below the threshold.")
    public Boolean frozen;

    @JsonPropertyDescription("Successful, NoData or Error.")
    public MeasurementOutcome outcome;

    @JsonPropertyDescription("When it was computed (RFC 3339).")
    public String time;

    @JsonPropertyDescription(
        "Expiry of the freeze override that let the current canary through, if one did.")
    public String overriddenUntil;

    @JsonPropertyDescription("Explanation, with the error when there is one.")
    public String message;
  }
}
