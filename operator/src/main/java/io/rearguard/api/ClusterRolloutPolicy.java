package io.rearguard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Policy gates for Rollouts in every namespace, optionally narrowed by namespace labels and Rollout
 * labels.
 */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("rgcpol")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ClusterRolloutPolicy
    extends CustomResource<ClusterRolloutPolicySpec, RolloutPolicyStatus>
    implements PolicyResource {

  @Override
  protected ClusterRolloutPolicySpec initSpec() {
    return new ClusterRolloutPolicySpec();
  }

  @Override
  public RolloutPolicySpec policySpec() {
    return getSpec();
  }

  @Override
  public RolloutPolicyStatus policyStatus() {
    return getStatus();
  }

  @Override
  public void policyStatus(RolloutPolicyStatus status) {
    setStatus(status);
  }
}
