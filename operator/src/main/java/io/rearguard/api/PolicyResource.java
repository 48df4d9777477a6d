package io.rearguard.api;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Common view of {@link RolloutPolicy} and {@link ClusterRolloutPolicy}. It does not extend
 * HasMetadata on purpose, because Jackson would then find HasMetadata's polymorphic deserializer
 * before CustomResource's plain one, and reading a policy would recurse. Its methods have no bean
 * names, so Jackson serializes only the resource's own properties.
 */
public interface PolicyResource {

  /** Returns the metadata. */
  ObjectMeta getMetadata();

  /** Returns the spec; a ClusterRolloutPolicy's also has a namespace selector. */
  RolloutPolicySpec policySpec();

  /** Returns the status, or null before the operator wrote one. */
  RolloutPolicyStatus policyStatus();

  /** Sets the status. */
  void policyStatus(RolloutPolicyStatus status);
}
