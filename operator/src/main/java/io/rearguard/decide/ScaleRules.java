package io.rearguard.decide;

import io.rearguard.api.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Chooses replicas for every revision. The stable revision is scaled up before anything else is
 * scaled down, and a new canary gets pods only after older non-stable revisions have none, so at
 * most two revisions serve at once.
 */
final class ScaleRules {
  private ScaleRules() {}

  static void scale(DecisionContext ctx) {
    RolloutStatus status = ctx.status;
    int replicas = ctx.replicas();
    String stable = status.stableRevision;
    String canary = status.canaryRevision;
    Observation.RevisionState stableState = ctx.observation.revision(stable);
    Observation.RevisionState canaryState = ctx.observation.revision(canary);
    List<Observation.RevisionState> others = others(ctx, stable, canary);

    boolean exposed = ctx.canaryActive() && SignalSchedule.exposed(status);
    int canaryTarget = exposed ? ReplicaMath.canaryReplicas(replicas, status.canaryWeight) : 0;
    int stableDesired =
        ctx.canaryActive()
            ? ReplicaMath.stableReplicas(replicas, canaryTarget, canaryState.readyReplicas())
            : replicas;
    if (ctx.canaryActive() && status.rehearsal != null && status.rehearsal.surge != null) {
      // The drill gives the stable revision the pods a rollback would give it.
      stableDesired += status.rehearsal.surge;
    }
    ensure(ctx, stableState, stableDesired, true);

    if (canary != null) {
      int canaryDesired;
      if (ctx.canaryActive()) {
        boolean othersServing =
            others.stream().anyMatch(o -> o.specReplicas() > 0 || o.readyReplicas() > 0);
        int want =
            othersServing ? Math.min(canaryState.specReplicas(), canaryTarget) : canaryTarget;
        canaryDesired =
            ReplicaMath.canaryReplicasNow(
                replicas, want, canaryState.specReplicas(), stableState.readyReplicas());
      } else {
        canaryDesired = abortedCanaryReplicas(ctx, canaryState, stableState);
      }
      ensure(ctx, canaryState, canaryDesired, ctx.canaryActive());
    }

    int stillNeeded =
        Math.max(0, replicas - stableState.readyReplicas() - canaryState.readyReplicas());
    for (Observation.RevisionState other : others) {
      int keep = Math.min(other.specReplicas(), stillNeeded);
      stillNeeded -= keep;
      ensure(ctx, other, keep, false);
    }
    deleteBeyondHistory(ctx, others);
  }

  private static int abortedCanaryReplicas(
      DecisionContext ctx,
      Observation.RevisionState canaryState,
      Observation.RevisionState stableState) {
    int delay =
        ctx.spec.abortScaleDownDelaySeconds == null ? 0 : ctx.spec.abortScaleDownDelaySeconds;
    if (delay > 0 && ctx.status.abort != null && ctx.status.abort.time != null) {
      Instant end = Instant.parse(ctx.status.abort.time).plusSeconds(delay);
      if (ctx.now.isBefore(end)) {
        ctx.wakeAt(end);
        return canaryState.specReplicas();
      }
    }
    return ReplicaMath.canaryReplicasNow(
        ctx.replicas(), 0, canaryState.specReplicas(), stableState.readyReplicas());
  }

  private static List<Observation.RevisionState> others(
      DecisionContext ctx, String stable, String canary) {
    List<Observation.RevisionState> others = new ArrayList<>();
    for (Observation.RevisionState state : ctx.observation.revisions().values()) {
      if (!Objects.equals(state.revision(), stable) && !Objects.equals(state.revision(), canary)) {
        others.add(state);
      }
    }
    others.sort(
        Comparator.comparing(
                Observation.RevisionState::created,
                Comparator.nullsFirst(Comparator.naturalOrder()))
            .reversed()
            .thenComparing(Observation.RevisionState::revision));
    return others;
  }

  private static void ensure(
      DecisionContext ctx, Observation.RevisionState state, int desired, boolean create) {
    if (state.revision() == null) {
      return;
    }
    if (state.exists() ? state.specReplicas() != desired : create) {
      ctx.actions.add(new Action.ScaleRevision(state.revision(), desired));
    }
  }

  /** Deletes idle old revisions beyond the history limit, oldest first. */
  private static void deleteBeyondHistory(
      DecisionContext ctx, List<Observation.RevisionState> newestFirst) {
    int limit = ctx.spec.revisionHistoryLimit == null ? 5 : ctx.spec.revisionHistoryLimit;
    for (int i = limit; i < newestFirst.size(); i++) {
      Observation.RevisionState old = newestFirst.get(i);
      if (old.specReplicas() == 0 && old.readyReplicas() == 0) {
        ctx.actions.add(new Action.DeleteRevision(old.revision()));
      }
    }
  }
}
