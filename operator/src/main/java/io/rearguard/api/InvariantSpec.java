package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Counters that must never increase for the canary. Any increase, at any step, rolls the canary
 * back at once, with no failure limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InvariantSpec {

  @JsonPropertyDescription("Base URL of the Prometheus HTTP API that stores the counters.")
  @Required
  @Pattern("^https?://[^\\s]+$")
  @Size(max = 512)
  public String prometheusAddress;

  @JsonPropertyDescription(
      "Time between evaluations; set it to the scrape interval, the shortest that gives new"
          + " data.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  @Default("1s")
  public String interval = "1s";

  @JsonPropertyDescription(
      "Range of the increase() query. It must span at least two scrapes, or an increase can"
          + " be missed.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  @Default("10s")
  public String window = "10s";

  @JsonPropertyDescription(
      "Evaluations in a row without a value after which the canary is handled as an analysis"
          + " Error. Until then the canary is not promoted.")
  @Min(1)
  @Default("5")
  @Max(1000)
  public Integer consecutiveErrorLimit = 5;

  @JsonPropertyDescription("The counters.")
  @Required
  @Size(min = 1, max = 20)
  public List<Counter> counters;

  /** One invariant counter. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Counter {
    @JsonPropertyDescription("Name of the invariant, unique within the list.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    public String name;

    @JsonPropertyDescription(
        "PromQL selector of the counter, such as payments_double_charged_total{job=\"checkout\"}."
            + " The operator adds the revision label. A counter that does not exist yet counts as"
            + " zero.")
    @Required
    @Size(min = 1, max = 1024)
    public String selector;

    @JsonPropertyDescription("Label that names the revision on the counter.")
    @Pattern("^[a-zA-Z_][a-zA-Z0-9_]*$")
    @Default("revision")
    public String revisionLabel = "revision";
  }
}
