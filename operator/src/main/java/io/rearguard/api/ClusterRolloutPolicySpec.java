package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** A policy for Rollouts in every namespace, optionally narrowed by namespace labels. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterRolloutPolicySpec extends RolloutPolicySpec {

  @JsonPropertyDescription(
      "Label selector over namespaces. Absent or empty: Rollouts in every namespace the operator"
          + " watches. Combined with selector: both must match.")
  public LabelSelector namespaceSelector;
}
