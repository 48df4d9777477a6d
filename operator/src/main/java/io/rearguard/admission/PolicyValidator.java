package io.rearguard.admission;

import io.rearguard.api.PolicyRule;
import io.rearguard.api.RolloutPolicySpec;
import io.rearguard.policy.PolicyCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a policy spec before it is stored: every rule compiles with {@link PolicyCompiler} (the
 * compiler the operator evaluates with), rule names are present and unique, and there is at least
 * one rule.
 */
public final class PolicyValidator {
  private PolicyValidator() {}

  /**
   * Returns one line per problem, such as {@code rule "images-pinned": expression 1:14: Syntax
   * error: ...}; empty when the spec is valid.
   */
  public static List<String> problems(RolloutPolicySpec spec) {
    List<String> problems = new ArrayList<>();
    List<PolicyRule> rules = spec == null || spec.rules == null ? List.of() : spec.rules;
    if (rules.isEmpty()) {
      problems.add("spec.rules is empty; a policy needs at least one rule");
      return problems;
    }
    Map<String, Integer> uses = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      PolicyRule rule = rules.get(i);
      if (rule == null) {
        problems.add("spec.rules[" + i + "] is null");
        continue;
      }
      String label;
      if (rule.name == null || rule.name.isBlank()) {
        label = "spec.rules[" + i + "]";
        problems.add(label + " has no name");
      } else {
        label = "rule \"" + rule.name + "\"";
        uses.merge(rule.name, 1, Integer::sum);
      }
      for (String problem : PolicyCompiler.validate(rule)) {
        problems.add(label + ": " + problem);
      }
    }
    uses.forEach(
        (name, count) -> {
          if (count > 1) {
            problems.add(
                "rule name \""
                    + name
                    + "\" is used "
                    + count
                    + " times; rule names must be unique");
          }
        });
    return problems;
  }
}
