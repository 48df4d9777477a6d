package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Change to a policy: its rules hash before and after, and its rule names. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecordPolicyChange {
  @JsonPropertyDescription("Generation of the policy's spec after the change.")
  public Long generation;

  @JsonPropertyDescription(
      "rulesHash before the change; absent when the policy was created or first seen.")
  public String previousRulesHash;

  @JsonPropertyDescription("rulesHash after the change; absent when the policy was deleted.")
  public String rulesHash;

  @JsonPropertyDescription("Names of the rules, in order: after the change, or before a deletion.")
  public List<String> rules = new ArrayList<>();
}
