package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A service level objective and the burn-rate triggers derived from it. The operator writes the
 * PromQL: error ratio = rate(errors) / rate(total) over a window, and burn rate = error ratio / (1
 * - objective).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.objective < 100.0", message = "slo.objective must be below 100")
public class SloSpec {

  @JsonPropertyDescription("Base URL of the Prometheus HTTP API that stores the two counters.")
  @Required
  @Pattern("^https?://[^\\s]+$")
  @Size(max = 512)
  public String prometheusAddress;

  @JsonPropertyDescription("Objective in percent of good events, such as 99.9.")
  @Required
  @Min(50)
  @Max(100)
  public Double objective;

  @JsonPropertyDescription(
      "PromQL selector of the counter of failed events, such as"
          + " http_requests_total{job=\"checkout\",code=~\"5..\"}. The operator adds the revision"
          + " label; placeholders such as {{namespace}} may appear inside quoted label values.")
  @Required
  @Size(min = 1, max = 1024)
  public String errorSelector;

  @JsonPropertyDescription("PromQL selector of the counter of all events, like errorSelector.")
  @Required
  @Size(min = 1, max = 1024)
  public String totalSelector;

  @JsonPropertyDescription("Label that names the revision on both counters.")
  @Pattern("^[a-zA-Z_][a-zA-Z0-9_]*$")
  @Default("revision")
  public String revisionLabel = "revision";

  @JsonPropertyDescription(
      "Window over which the stable revision's remaining error budget is computed, such as 30d.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  @Default("30d")
  public String complianceWindow = "30d";

  @JsonPropertyDescription(
      "Burn-rate triggers. Each fires only when the canary's burn rate exceeds its threshold over"
          + " both its long and its short window, and a firing trigger rolls the canary back.")
  @Size(max = 10)
  public List<BurnRateTrigger> triggers;

  @JsonPropertyDescription("Time between evaluations of the triggers while a canary runs.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  @Default("5s")
  public String interval = "5s";

  @JsonPropertyDescription(
      "Evaluations in a row without a value (NoData or Error) after which the canary is handled"
          + " as an analysis Error. Until then the canary is not promoted.")
  @Min(1)
  @Default("5")
  @Max(1000)
  public Integer consecutiveErrorLimit = 5;

  @JsonPropertyDescription(
      "Release freeze: when the stable revision's remaining error budget over the compliance"
          + " window is below this percentage, a new revision waits before any traffic moves.")
  @Min(0)
  @Max(100)
  public Double freezeBelowBudgetPercent;

  /** A multi-window burn-rate trigger. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BurnRateTrigger {
    @JsonPropertyDescription("Name of the trigger, unique within the SLO.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    public String name;

    @JsonPropertyDescription("Burn-rate threshold, such as 14.4; 1 spends the budget exactly.")
    @Required
    @Min(0)
    public Double burnRate;

    @JsonPropertyDescription("Long window, such as 1h.")
    @Required
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String longWindow;

    @JsonPropertyDescription("Short window, such as 5m; it makes the trigger reset quickly.")
    @Required
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String shortWindow;
  }
}
