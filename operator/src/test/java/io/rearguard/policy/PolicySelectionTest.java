package io.rearguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPolicy;
import io.rearguard.testkit.Rollouts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySelectionTest {
  private static final Map<String, String> PROD = Map.of("env", "prod");

  private static Rollout rollout(String namespace, Map<String, String> labels) {
    Rollout rollout = Rollouts.rollout().namespace(namespace).build();
    rollout.getMetadata().setLabels(labels);
    return rollout;
  }

  private static RolloutPolicy namespaced(String namespace, String name, LabelSelector selector) {
    RolloutPolicy policy = Policies.policy(name, Policies.rule("r", "true"));
    policy.getMetadata().setNamespace(namespace);
    policy.getSpec().selector = selector;
    return policy;
  }

  private static ClusterRolloutPolicy cluster(
      String name, LabelSelector namespaceSelector, LabelSelector selector) {
    ClusterRolloutPolicy policy = new ClusterRolloutPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withUid("uid-" + name).build());
    policy.getSpec().rules.add(Policies.rule("r", "true"));
    policy.getSpec().namespaceSelector = namespaceSelector;
    policy.getSpec().selector = selector;
    return policy;
  }

  private static LabelSelector labels(String key, String value) {
    return new LabelSelectorBuilder().addToMatchLabels(key, value).build();
  }

  private static List<String> names(List<PolicyResource> policies) {
    return policies.stream().map(p -> p.getMetadata().getName()).toList();
  }

  @Test
  void namespacedPolicyAppliesOnlyInItsNamespace() {
    Rollout inShop = rollout("shop", Map.of());
    List<RolloutPolicy> policies =
        List.of(namespaced("shop", "here", null), namespaced("other", "elsewhere", null));

    List<PolicyResource> applicable =
        PolicySelection.applicable(inShop, policies, List.of(), Map.of());

    assertThat(names(applicable)).containsExactly("here");
  }

  @Test
  void namespacedSelectorMatchesRolloutLabels() {
    Rollout web = rollout("shop", Map.of("tier", "web"));
    Rollout batch = rollout("shop", Map.of("tier", "batch"));
    RolloutPolicy policy = namespaced("shop", "web-only", labels("tier", "web"));

    assertThat(PolicySelection.selects(policy, web)).isTrue();
    assertThat(PolicySelection.selects(policy, batch)).isFalse();
  }

  @Test
  void emptySelectorMatchesEveryRollout() {
    RolloutPolicy policy = namespaced("shop", "all", new LabelSelector());

    assertThat(PolicySelection.selects(policy, rollout("shop", null))).isTrue();
  }

  @Test
  void clusterPolicyNeedsNamespaceSelectorMatch() {
    Rollout rollout = rollout("shop", Map.of("tier", "web"));
    ClusterRolloutPolicy prodOnly = cluster("prod-only", labels("env", "prod"), null);

    assertThat(PolicySelection.selects(prodOnly, rollout, PROD)).isTrue();
    assertThat(PolicySelection.selects(prodOnly, rollout, Map.of("env", "dev"))).isFalse();
  }

  @Test
  void clusterPolicyNeedsBothSelectors() {
    Rollout web = rollout("shop", Map.of("tier", "web"));
    Rollout batch = rollout("shop", Map.of("tier", "batch"));
    ClusterRolloutPolicy policy = cluster("prod-web", labels("env", "prod"), labels("tier", "web"));

    assertThat(PolicySelection.selects(policy, web, PROD)).isTrue();
    assertThat(PolicySelection.selects(policy, batch, PROD)).isFalse();
    assertThat(PolicySelection.selects(policy, web, Map.of())).isFalse();
  }

  @Test
  void unknownNamespaceFailsClosed() {
    ClusterRolloutPolicy prodOnly = cluster("prod-only", labels("env", "prod"), null);

    assertThat(PolicySelection.selects(prodOnly, rollout("shop", Map.of()), null)).isTrue();
  }

  @Test
  void matchExpressionsSupportEveryOperator() {
    Map<String, String> labels = Map.of("tier", "web", "team", "pay");

    assertThat(PolicySelection.matches(expression("tier", "In", "web", "api"), labels)).isTrue();
    assertThat(PolicySelection.matches(expression("tier", "In", "api"), labels)).isFalse();
    assertThat(PolicySelection.matches(expression("tier", "NotIn", "web"), labels)).isFalse();
    assertThat(PolicySelection.matches(expression("zone", "NotIn", "a"), labels)).isTrue();
    assertThat(PolicySelection.matches(expression("team", "Exists"), labels)).isTrue();
    assertThat(PolicySelection.matches(expression("zone", "Exists"), labels)).isFalse();
    assertThat(PolicySelection.matches(expression("zone", "DoesNotExist"), labels)).isTrue();
    assertThat(PolicySelection.matches(expression("team", "Unknown"), labels)).isFalse();
  }

  @Test
  void namespacedPoliciesComeBeforeClusterPoliciesByName() {
    Rollout rollout = rollout("shop", Map.of());

    List<PolicyResource> applicable =
        PolicySelection.applicable(
            rollout,
            List.of(namespaced("shop", "b", null), namespaced("shop", "a", null)),
            List.of(cluster("z", null, null), cluster("c", null, null)),
            Map.of());

    assertThat(names(applicable)).containsExactly("a", "b", "c", "z");
  }

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .addToMatchExpressions(
            new LabelSelectorRequirementBuilder()
                .withKey(key)
                .withOperator(operator)
                .withValues(values)
                .build())
        .build();
  }
}
