package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One named rule of a policy: a CEL predicate over a revision's metadata. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyRule {
  /** Maximum length of a rule expression in characters. The CRD schema enforces it. */
  public static final int MAX_EXPRESSION_LENGTH = 4096;

  /** Maximum length of a value expression in characters. The CRD schema enforces it. */
  public static final int MAX_VALUE_EXPRESSION_LENGTH = 2048;

  @JsonPropertyDescription(
      "Name of the rule, unique within the policy: lowercase letters, digits and '-', starting"
          + " with a letter, at most 63 characters. Conditions, Events and records name it.")
  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  public String name;

  @JsonPropertyDescription(
      "CEL expression that must return true for the revision to receive traffic or be"
          + " promoted. Variables: rollout, revision, stable, now, errorBudget, steps, params"
          + " (see docs/policies.md). A rule that cannot be evaluated denies.")
  @Required
  @Size(min = 1, max = MAX_EXPRESSION_LENGTH)
  public String expression;

  @JsonPropertyDescription(
      "Optional CEL expression over the same variables whose result is shown as the failing"
          + " value when the rule denies, such as the image references that are not pinned.")
  @Size(max = MAX_VALUE_EXPRESSION_LENGTH)
  public String valueExpression;

  @JsonPropertyDescription("What the rule requires, shown when it denies.")
  @Size(max = 1024)
  public String message;
}
