package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rules that a canary revision must satisfy before it receives traffic and before promotion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutPolicySpec {
  /** Maximum number of rules in one policy. The CRD schema enforces it. */
  public static final int MAX_RULES = 32;

  /** Maximum number of parameters in one policy. The CRD schema enforces it. */
  public static final int MAX_PARAMETERS = 64;

  @JsonPropertyDescription(
      "Label selector over Rollouts. Absent or empty: every Rollout in scope (the policy's"
          + " namespace for a RolloutPolicy, every namespace for a ClusterRolloutPolicy).")
  public LabelSelector selector;

  @JsonPropertyDescription(
      "Named rules, each a CEL expression returning a bool. Every rule must allow the canary"
          + " revision; a rule that cannot be evaluated denies.")
  @Required
  @Size(min = 1, max = MAX_RULES)
  @ValidationRule(
      value = "self.all(r, self.exists_one(s, s.name == r.name))",
      message = "rule names must be unique")
  public List<PolicyRule> rules = new ArrayList<>();

  @JsonPropertyDescription(
      "Parameters of the rules, exposed to CEL as params: an integer value is a CEL int, a"
          + " string value a CEL string, such as params.maxFirstWeight.")
  @Size(max = MAX_PARAMETERS)
  public Map<String, IntOrString> parameters = new LinkedHashMap<>();
}
