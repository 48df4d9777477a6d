package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/** Desired state of a Rollout: the pod template to run and how a new revision reaches users. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {

  @JsonPropertyDescription(
      "Number of pods the workload runs when no canary is in progress. During a canary the canary"
          + " gets ceil(replicas * weight / 100) pods and the stable revision keeps the rest; the"
          + " stable revision is scaled down only as canary pods become ready, so ready capacity"
          + " never drops below replicas (the surge is at most the canary's pod count).")
  @Min(0)
  @Default("1")
  @Max(10000)
  public Integer replicas = 1;

  @JsonPropertyDescription(
      "Label selector of the pods. It must match the labels of the pod template. The operator adds"
          + " the label rearguard.io/revision to each revision's ReplicaSet and pods.")
  @Required
  public LabelSelector selector;

  @JsonPropertyDescription(
      "Pod template of the desired revision. A change to it starts a new revision, named by a"
          + " hash of the template; the operator owns one ReplicaSet per revision.")
  @Required
  public PodTemplateSpec template;

  @JsonPropertyDescription(
      "Seconds without progress (a step completed, more pods ready, or a successful"
          + " measurement) after which the rollout is considered stuck. It applies in every phase"
          + " except while paused or waiting in a pause step.")
  @Min(1)
  @Default("600")
  @Max(604800)
  public Integer progressDeadlineSeconds = 600;

  @JsonPropertyDescription(
      "Whether an exceeded progress deadline aborts the canary (true, the default) or only marks"
          + " the Progressing condition False.")
  @Default("true")
  public Boolean progressDeadlineAbort = true;

  @JsonPropertyDescription(
      "Seconds after an abort before the aborted canary's pods are removed. They are never"
          + " removed before the stable revision is back at full capacity. Without a traffic"
          + " router those pods still receive traffic in proportion to their count, so the"
          + " default is 0.")
  @Min(0)
  @Default("0")
  @Max(3600)
  public Integer abortScaleDownDelaySeconds = 0;

  @JsonPropertyDescription(
      "Number of old revisions whose ReplicaSets are kept at zero replicas for a fast return.")
  @Min(0)
  @Max(100)
  @Default("5")
  public Integer revisionHistoryLimit = 5;

  @JsonPropertyDescription("How a new revision is exposed to users.")
  @Required
  public RolloutStrategy strategy;

  @JsonPropertyDescription(
      "Service level objective with burn-rate triggers that roll the canary back, and an"
          + " optional release freeze on a low error budget.")
  public SloSpec slo;

  @JsonPropertyDescription("Counters that must never increase for the canary.")
  public InvariantSpec invariants;

  @JsonPropertyDescription(
      "How the rollback is rehearsed before the canary receives traffic. Absent: mode Verify"
          + " with the defaults below.")
  public RehearsalSpec rehearsal;

  @JsonPropertyDescription(
      "Lets a new revision through a release freeze until the override expires. Each use is"
          + " recorded and counted.")
  public FreezeOverride releaseFreezeOverride;

  @JsonPropertyDescription(
      "Previously stable revisions remembered as known good. Returning the template to one of"
          + " them is a fast rollback: no steps, no analysis and no rehearsal; its ReplicaSet is"
          + " scaled up before the current stable gives up pods.")
  @Min(0)
  @Max(20)
  @Default("3")
  public Integer knownGoodRevisions = 3;
}
