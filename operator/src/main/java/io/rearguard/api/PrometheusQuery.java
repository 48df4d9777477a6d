package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** An instant query against a Prometheus server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusQuery {

  @JsonPropertyDescription("Base URL of the Prometheus HTTP API, such as http://prometheus:9090.")
  @Required
  @Pattern("^https?://[^\\s]+$")
  @Size(max = 512)
  public String address;

  @JsonPropertyDescription(
      "PromQL instant query that returns one series or a scalar. Placeholders {{name}} may"
          + " appear only inside double-quoted strings; each value is escaped as a PromQL string,"
          + " so a value cannot change the query's structure.")
  @Required
  @Size(min = 1, max = 4096)
  public String query;
}
