package io.rearguard.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.ClusterRolloutPolicySpec;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides which policies apply to a Rollout. A RolloutPolicy applies to the Rollouts of its own
 * namespace whose labels its selector matches. A ClusterRolloutPolicy applies when its
 * namespaceSelector matches the labels of the Rollout's namespace and its selector matches the
 * Rollout's labels. An absent or empty selector matches everything.
 */
public final class PolicySelection {
  private PolicySelection() {}

  /**
   * Returns the policies that apply to a Rollout: the namespaced ones first, then the cluster ones,
   * each sorted by name.
   *
   * @param namespaceLabels labels of the Rollout's namespace, or null when the namespace is not
   *     known yet. A ClusterRolloutPolicy with a namespaceSelector then applies, so that a gate
   *     fails closed until the namespace is known
   */
  public static List<PolicyResource> applicable(
      Rollout rollout,
      Collection<RolloutPolicy> policies,
      Collection<ClusterRolloutPolicy> clusterPolicies,
      Map<String, String> namespaceLabels) {
    List<PolicyResource> result = new ArrayList<>();
    policies.stream()
        .filter(policy -> selects(policy, rollout))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(result::add);
    clusterPolicies.stream()
        .filter(policy -> selects(policy, rollout, namespaceLabels))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(result::add);
    return result;
  }

  /** Returns whether a RolloutPolicy applies to a Rollout. */
  public static boolean selects(RolloutPolicy policy, Rollout rollout) {
    return Objects.equals(policy.getMetadata().getNamespace(), rollout.getMetadata().getNamespace())
        && matches(policy.getSpec() == null ? null : policy.getSpec().selector, labels(rollout));
  }

  /**
   * Returns whether a ClusterRolloutPolicy applies to a Rollout in a namespace with the given
   * labels. Null labels mean the namespace is not known yet, so any namespaceSelector matches.
   */
  public static boolean selects(
      ClusterRolloutPolicy policy, Rollout rollout, Map<String, String> namespaceLabels) {
    ClusterRolloutPolicySpec spec = policy.getSpec();
    if (spec == null) {
      return matches(null, labels(rollout));
    }
    boolean namespaceMatches =
        namespaceLabels == null || matches(spec.namespaceSelector, namespaceLabels);
    return namespaceMatches && matches(spec.selector, labels(rollout));
  }

  /**
   * Returns whether a label selector matches a set of labels: every matchLabels entry must be
   * present with its value, and every matchExpressions requirement must hold (operators In, NotIn,
   * Exists and DoesNotExist). An unknown operator never matches.
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var entry : selector.getMatchLabels().entrySet()) {
        if (!Objects.equals(entry.getValue(), actual.get(entry.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        if (!holds(requirement, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String key = requirement.getKey();
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    String operator = requirement.getOperator() == null ? "" : requirement.getOperator();
    return switch (operator) {
      case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
      case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
      case "Exists" -> labels.containsKey(key);
      case "DoesNotExist" -> !labels.containsKey(key);
      default -> false;
    };
  }

  private static Map<String, String> labels(Rollout rollout) {
    Map<String, String> labels = rollout.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }
}
