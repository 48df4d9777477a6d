package io.rearguard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One transition of a Rollout, written once by the operator and never changed. Records of a Rollout
 * form a hash chain: each names the hash of the one before it.
 */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("rgrec")
@ValidationRule(
    value = "!has(oldSelf.spec) || (has(self.spec) && self.spec == oldSelf.spec)",
    message = "a RolloutRecord's spec cannot be changed")
@AdditionalPrinterColumn(
    name = "Sequence",
    jsonPath = ".spec.sequence",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".spec.reason")
@AdditionalPrinterColumn(name = "Actor", jsonPath = ".spec.actor")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RolloutRecord extends CustomResource<RolloutRecordSpec, Void> implements Namespaced {
  /** Label that names the Rollout on each of its records. */
  public static final String ROLLOUT_LABEL = "rearguard.io/rollout";

  /** Minimum number of digits of the sequence in a record's name, so names sort by sequence. */
  public static final int SEQUENCE_DIGITS = 8;

  /** Returns the name of a Rollout's record with the given sequence number. */
  public static String name(String rollout, long sequence) {
    return rollout + "-" + String.format("%0" + SEQUENCE_DIGITS + "d", sequence);
  }
}
