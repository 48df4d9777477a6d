package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a policy: whether each rule compiles, and the chain of its change records. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutPolicyStatus {

  @JsonPropertyDescription("Generation of the spec that this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Compile result of each rule, in the order of spec.rules.")
  public List<RuleStatus> rules = new ArrayList<>();

  @JsonPropertyDescription(
      "SHA-256 (lowercase hex) of the canonical JSON of spec.rules and spec.parameters, as"
          + " recorded in the policy's change history.")
  public String rulesHash;

  @JsonPropertyDescription(
      "Condition Ready: True when every rule compiles, with reason Compiled; False with reason"
          + " CompileError otherwise.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Position of the policy's chain of change records (RolloutRecords), and the records not"
          + " yet confirmed as stored.")
  public RecordHistory history;

  /** Compile result of one rule. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RuleStatus {
    @JsonPropertyDescription("Name of the rule.")
    public String name;

    @JsonPropertyDescription("Whether the expression and the value expression compile.")
    public Boolean compiled;

    @JsonPropertyDescription("The first compile error, with its line and column; absent if none.")
    public String error;
  }
}
