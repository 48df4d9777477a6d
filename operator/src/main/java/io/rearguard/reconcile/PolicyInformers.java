package io.rearguard.reconcile;

import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPolicy;
import io.rearguard.decide.Reasons;
import io.rearguard.observe.PolicySource;
import io.rearguard.policy.PolicySelection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Informer event sources of the Rollout controller for RolloutPolicies, ClusterRolloutPolicies and
 * Namespaces, and the {@link PolicySource} that reads the applicable policies from their caches.
 *
 * <p>A policy event triggers the Rollouts the policy selects, plus every Rollout paused with reason
 * PolicyDenied in the policy's scope: a changed selector or a deleted policy may release those. A
 * Namespace event triggers the Rollouts of that namespace, because its labels decide which
 * ClusterRolloutPolicies apply.
 */
public final class PolicyInformers implements PolicySource {
  static final String POLICIES = "rolloutpolicies";
  static final String CLUSTER_POLICIES = "clusterrolloutpolicies";
  static final String NAMESPACES = "namespaces";

  private volatile InformerEventSource<RolloutPolicy, Rollout> policies;
  private volatile InformerEventSource<ClusterRolloutPolicy, Rollout> clusterPolicies;
  private volatile InformerEventSource<Namespace, Rollout> namespaces;

  /** Creates the three event sources; the Rollout controller registers them. */
  List<EventSource<?, Rollout>> create(EventSourceContext<Rollout> context) {
    IndexerResourceCache<Rollout> rollouts = context.getPrimaryCache();
    var policyConfig =
        InformerEventSourceConfiguration.from(RolloutPolicy.class, Rollout.class)
            .withName(POLICIES)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                policy ->
                    ids(
                        rollouts.list(policy.getMetadata().getNamespace()),
                        r -> PolicySelection.selects(policy, r) || pausedByPolicy(r)))
            .build();
    var clusterConfig =
        InformerEventSourceConfiguration.from(ClusterRolloutPolicy.class, Rollout.class)
            .withName(CLUSTER_POLICIES)
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(
                policy ->
                    ids(
                        rollouts.list(),
                        r -> PolicySelection.selects(policy, r, null) || pausedByPolicy(r)))
            .build();
    var namespaceConfig =
        InformerEventSourceConfiguration.from(Namespace.class, Rollout.class)
            .withName(NAMESPACES)
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(
                namespace -> ids(rollouts.list(namespace.getMetadata().getName()), r -> true))
            .build();
    policies = new InformerEventSource<>(policyConfig, context);
    clusterPolicies = new InformerEventSource<>(clusterConfig, context);
    namespaces = new InformerEventSource<>(namespaceConfig, context);
    return List.of(policies, clusterPolicies, namespaces);
  }

  @Override
  public List<PolicyResource> applicable(Rollout rollout) {
    if (policies == null) {
      throw new IllegalStateException(
          "the policy informers are not created; register the Rollout controller first");
    }
    String namespace = rollout.getMetadata().getNamespace();
    Map<String, String> namespaceLabels =
        namespaces
            .get(new ResourceID(namespace))
            .map(
                ns ->
                    ns.getMetadata().getLabels() == null
                        ? Map.<String, String>of()
                        : ns.getMetadata().getLabels())
            .orElse(null);
    return PolicySelection.applicable(
        rollout,
        policies.list(namespace).toList(),
        clusterPolicies.list().toList(),
        namespaceLabels);
  }

  private static Set<ResourceID> ids(Stream<Rollout> rollouts, Predicate<Rollout> filter) {
    return rollouts.filter(filter).map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static boolean pausedByPolicy(Rollout rollout) {
    return rollout.getStatus() != null
        && Reasons.POLICY_DENIED.equals(rollout.getStatus().pauseReason);
  }
}
