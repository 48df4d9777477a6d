package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Permission to release during a release freeze, until it expires. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FreezeOverride {

  @JsonPropertyDescription("Why the freeze is overridden; it is recorded with the decision.")
  @Required
  @Size(min = 1, max = 1024)
  public String reason;

  @JsonPropertyDescription(
      "RFC 3339 time after which the override no longer applies, such as 2026-12-04T18:00:00Z.")
  @Required
  @Size(max = 64)
  public String expires;

  @JsonPropertyDescription("Who asked for the override.")
  @Size(max = 253)
  public String requestedBy;
}
