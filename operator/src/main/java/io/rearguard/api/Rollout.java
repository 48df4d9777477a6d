package io.rearguard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A workload whose new revisions are moved through canary steps and rolled back on bad signals. */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("rgro")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Step", jsonPath = ".status.step")
@AdditionalPrinterColumn(
    name = "Weight",
    jsonPath = ".status.canaryWeight",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Stable", jsonPath = ".status.stableRevision")
@AdditionalPrinterColumn(name = "Canary", jsonPath = ".status.canaryRevision")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// The operator writes the name into the label rearguard.io/rollout of each ReplicaSet, pod and
// RolloutRecord, and label values are limited to 63 characters.
@ValidationRule(
    value = "size(self.metadata.name) <= " + Rollout.MAX_NAME_LENGTH,
    message =
        "metadata.name must be at most 63 characters, because the operator puts it in the label"
            + " rearguard.io/rollout")
@ValidationRule(
    value =
        "!self.metadata.name.startsWith('rolloutpolicy.')"
            + " && !self.metadata.name.startsWith('clusterrolloutpolicy.')",
    message =
        "metadata.name must not start with rolloutpolicy. or clusterrolloutpolicy., because those"
            + " names belong to the record chains of policies")
public class Rollout extends CustomResource<RolloutSpec, RolloutStatus> implements Namespaced {
  public static final String GROUP = "rearguard.io";
  public static final String VERSION = "v1alpha1";

  /** Longest Rollout name: the length limit of a label value. */
  public static final int MAX_NAME_LENGTH = 63;

  @Override
  protected RolloutSpec initSpec() {
    return new RolloutSpec();
  }
}
