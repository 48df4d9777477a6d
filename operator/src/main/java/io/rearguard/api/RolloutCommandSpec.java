package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Requested action of a command. The spec cannot change after creation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "a command's spec cannot be changed")
public class RolloutCommandSpec {

  @JsonPropertyDescription("Name of the Rollout in the same namespace.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  public String rollout;

  @JsonPropertyDescription(
      "abort rolls the canary back; promote skips the rest of the current step; promote-full"
          + " skips all remaining steps; pause holds the canary; resume lifts a pause; retry"
          + " restarts an aborted canary from its first step.")
  @Required
  public Action action;

  @JsonPropertyDescription("Why the command is issued; it is kept in the Rollout's history.")
  @Required
  @Size(min = 1, max = 1024)
  public String reason;

  @JsonPropertyDescription("Who issues the command.")
  @Size(max = 253)
  public String requestedBy;

  /** Manual actions. */
  public enum Action {
    @JsonProperty("abort")
    ABORT,
    @JsonProperty("promote")
    PROMOTE,
    @JsonProperty("promote-full")
    PROMOTE_FULL,
    @JsonProperty("pause")
    PAUSE,
    @JsonProperty("resume")
    RESUME,
    @JsonProperty("retry")
    RETRY;

    /** Returns the action as written in the resource. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }
}
