package io.rearguard.policy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.PolicyRule;
import io.rearguard.api.RolloutPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds policies for tests, and loads the shipped examples from docs/examples/policies. */
public final class Policies {
  /** Folder of the shipped example policies, from the operator module. */
  public static final Path EXAMPLES = Path.of("../docs/examples/policies");

  private Policies() {}

  /** Returns a rule. */
  public static PolicyRule rule(String name, String expression) {
    return rule(name, expression, null);
  }

  /** Returns a rule with a value expression. */
  public static PolicyRule rule(String name, String expression, String valueExpression) {
    PolicyRule rule = new PolicyRule();
    rule.name = name;
    rule.expression = expression;
    rule.valueExpression = valueExpression;
    rule.message = "message of " + name;
    return rule;
  }

  /** Returns a RolloutPolicy named {@code name} in namespace shop with the given rules. */
  public static RolloutPolicy policy(String name, PolicyRule... rules) {
    RolloutPolicy policy = new RolloutPolicy();
    policy.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("shop")
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    policy.getSpec().rules.addAll(java.util.List.of(rules));
    return policy;
  }

  /** Adds parameters to a policy. */
  public static <P extends PolicyResource> P withParams(P policy, Map<String, Object> params) {
    params.forEach(
        (key, value) ->
            policy
                .policySpec()
                .parameters
                .put(
                    key,
                    value instanceof Integer number
                        ? new IntOrString(number)
                        : new IntOrString(value.toString())));
    return policy;
  }

  /** Loads a shipped example policy. */
  public static PolicyResource example(String file) {
    Path path = EXAMPLES.resolve(file);
    try (InputStream in = Files.newInputStream(path)) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      Class<? extends PolicyResource> type =
          text.contains("kind: ClusterRolloutPolicy")
              ? ClusterRolloutPolicy.class
              : RolloutPolicy.class;
      PolicyResource policy = Serialization.unmarshal(text, type);
      policy.getMetadata().setUid("uid-" + policy.getMetadata().getName());
      policy.getMetadata().setGeneration(1L);
      return policy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
