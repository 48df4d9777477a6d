package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a Rollout. The operator keeps all of its progress here and nowhere else. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {

  @JsonPropertyDescription("Generation of the spec that this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription(
      "Summary derived from the rest of the status: Progressing, Paused, Healthy, Degraded,"
          + " Aborted or InvalidSpec.")
  public RolloutPhase phase;

  @JsonPropertyDescription("Human-readable explanation of the phase.")
  public String message;

  @JsonPropertyDescription("Index of the current canary step, from 0; absent without a canary.")
  public Integer currentStepIndex;

  @JsonPropertyDescription("Current step as n/N, for display; absent without a canary.")
  public String step;

  @JsonPropertyDescription("Revision (pod template hash) that serves users when no canary runs.")
  public String stableRevision;

  @JsonPropertyDescription("Revision being exposed step by step; absent without a canary.")
  public String canaryRevision;

  @JsonPropertyDescription("Percentage of traffic the canary should receive now.")
  public Integer canaryWeight;

  @JsonPropertyDescription("Ready pods of the stable revision.")
  public Integer stableReadyReplicas;

  @JsonPropertyDescription("Ready pods of the canary revision.")
  public Integer canaryReadyReplicas;

  @JsonPropertyDescription("When the current step started (RFC 3339).")
  public String stepStartTime;

  @JsonPropertyDescription(
      "Last time the rollout made progress (RFC 3339); the progress deadline counts from here.")
  public String lastProgressTime;

  @JsonPropertyDescription("Why and when the current canary was aborted; absent otherwise.")
  public AbortStatus abort;

  @JsonPropertyDescription(
      "Why the rollout is paused (PausedByStep, PausedByCommand, InconclusiveAnalysis or"
          + " AnalysisError); absent when not paused.")
  public String pauseReason;

  @JsonPropertyDescription("When the current pause began (RFC 3339).")
  public String pauseStartTime;

  @JsonPropertyDescription(
      "Conditions Progressing, Healthy, Paused, Aborted and InvalidSpec, each with the spec"
          + " generation it was computed for.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Analysis runs of the current step and of the background analysis, with their last"
          + " measurements.")
  public List<MetricRun> analysis = new ArrayList<>();

  @JsonPropertyDescription(
      "Commands executed recently, newest last, so that a command is executed at most once.")
  public List<CommandRef> recentCommands = new ArrayList<>();

  @JsonPropertyDescription("The last decision that changed the rollout.")
  public LastDecision lastDecision;

  @JsonPropertyDescription("Burn rates, invariant counters and error budget last evaluated.")
  public SignalsStatus signals;

  @JsonPropertyDescription("The rollback rehearsal of the current canary.")
  public RehearsalStatus rehearsal;

  @JsonPropertyDescription(
      "Whether the current canary is a fast rollback to a known-good revision, which skips steps,"
          + " analysis and signals.")
  public Boolean fastRollback;

  @JsonPropertyDescription("Previously stable revisions, newest first, for a fast rollback.")
  public List<String> knownGoodRevisions = new ArrayList<>();

  @JsonPropertyDescription(
      "Rules that deny the canary, as policy/rule, while it is paused by a policy. A new Event and"
          + " record are written only when this list changes, not when a denied value changes.")
  public List<String> policyDeniedRules;

  @JsonPropertyDescription(
      "What code runs: the provenance of the stable revision, then of the canary when there is"
          + " one.")
  public List<RevisionProvenance> provenance;

  @JsonPropertyDescription(
      "Position of the Rollout's chain of RolloutRecords, and the records not yet confirmed as"
          + " stored.")
  public RecordHistory history;
}
