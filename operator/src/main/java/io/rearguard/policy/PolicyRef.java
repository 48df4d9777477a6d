package io.rearguard.policy;

import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.PolicyResource;

/**
 * Identity of one version of a policy.
 *
 * @param kind RolloutPolicy or ClusterRolloutPolicy
 * @param namespace the namespace of a RolloutPolicy, null for a ClusterRolloutPolicy
 * @param name the policy's name
 * @param uid the policy's UID, null for a policy read from a file
 * @param generation the spec generation, 0 when unknown
 */
public record PolicyRef(String kind, String namespace, String name, String uid, long generation) {
  public static final String NAMESPACED_KIND = "RolloutPolicy";
  public static final String CLUSTER_KIND = "ClusterRolloutPolicy";

  /** Returns the identity of a policy resource. */
  public static PolicyRef of(PolicyResource policy) {
    var meta = policy.getMetadata();
    boolean cluster = policy instanceof ClusterRolloutPolicy;
    return new PolicyRef(
        cluster ? CLUSTER_KIND : NAMESPACED_KIND,
        cluster ? null : meta.getNamespace(),
        meta.getName(),
        meta.getUid(),
        meta.getGeneration() == null ? 0 : meta.getGeneration());
  }

  /** Returns kind/namespace/name, or kind/name for a cluster policy, for messages. */
  public String display() {
    return kind + " " + (namespace == null ? name : namespace + "/" + name);
  }
}
