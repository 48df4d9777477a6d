package io.rearguard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Policy gates for the Rollouts of one namespace: CEL rules that a canary revision must satisfy
 * before it receives traffic and before each promotion.
 */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("rgpol")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RolloutPolicy extends CustomResource<RolloutPolicySpec, RolloutPolicyStatus>
    implements Namespaced, PolicyResource {

  @Override
  protected RolloutPolicySpec initSpec() {
    return new RolloutPolicySpec();
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
