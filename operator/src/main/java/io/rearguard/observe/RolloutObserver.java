package io.rearguard.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.analysis.MetricProvider;
import io.rearguard.analysis.QueryContext;
import io.rearguard.api.Measurement;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.Observation;
import io.rearguard.decide.PolicyCheck;
import io.rearguard.decide.SpecValidator;
import io.rearguard.policy.PolicyEvaluator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers one Observation: the Rollout's ReplicaSets and pending commands from the informer caches,
 * the measurements that are due, from the metric provider, and the policy verdicts for the desired
 * revision.
 */
public class RolloutObserver {
  /** Label naming the Rollout on its ReplicaSets and pods. */
  public static final String ROLLOUT_LABEL = "rearguard.io/rollout";

  private final MetricProvider metrics;
  private final SignalObserver signals;
  private final PolicyObserver policies;
  private final Clock clock;

  /** Creates an observer to which no policy applies. */
  public RolloutObserver(MetricProvider metrics, SignalObserver signals, Clock clock) {
    this(
        metrics,
        signals,
        new PolicyObserver(PolicySource.NONE, new PolicyEvaluator(), clock),
        clock);
  }

  public RolloutObserver(
      MetricProvider metrics, SignalObserver signals, PolicyObserver policies, Clock clock) {
    this.metrics = metrics;
    this.signals = signals;
    this.policies = policies;
    this.clock = clock;
  }

  /** Observes a Rollout from its cached secondary resources and takes due measurements. */
  public Observation observe(
      Rollout rollout, Collection<ReplicaSet> replicaSets, Collection<RolloutCommand> commands) {
    String desired =
        rollout.getSpec().template == null ? "" : RevisionHasher.hash(rollout.getSpec().template);
    boolean valid = SpecValidator.validate(rollout.getSpec()).isEmpty();
    List<Observation.PendingCommand> pending = pendingCommands(rollout, commands);
    return new Observation(
        desired,
        revisions(rollout, replicaSets),
        valid ? measurements(rollout) : List.of(),
        pending,
        valid ? signals.observe(rollout) : io.rearguard.decide.SignalReadings.NONE,
        valid && !abortsRevision(rollout, desired, pending)
            ? policies.check(rollout, desired, replicaSets)
            : PolicyCheck.NONE);
  }

  /**
   * Returns whether the desired revision is aborted or an abort command waits. Its policies are
   * then not evaluated, so that slow rules cannot delay the abort.
   */
  private static boolean abortsRevision(
      Rollout rollout, String desired, List<Observation.PendingCommand> pending) {
    var status = rollout.getStatus();
    boolean aborted =
        status != null && status.abort != null && desired.equals(status.abort.revision);
    return aborted || pending.stream().anyMatch(c -> c.action() == RolloutCommandSpec.Action.ABORT);
  }

  private static Map<String, Observation.RevisionState> revisions(
      Rollout rollout, Collection<ReplicaSet> replicaSets) {
    Map<String, Observation.RevisionState> revisions = new HashMap<>();
    String uid = rollout.getMetadata().getUid();
    for (ReplicaSet replicaSet : replicaSets) {
      if (!ownedBy(replicaSet, uid)) {
        continue;
      }
      String revision = label(replicaSet, SpecValidator.REVISION_LABEL);
      if (revision == null) {
        continue;
      }
      Integer spec = replicaSet.getSpec() == null ? null : replicaSet.getSpec().getReplicas();
      Integer ready =
          replicaSet.getStatus() == null ? null : replicaSet.getStatus().getReadyReplicas();
      String created = replicaSet.getMetadata().getCreationTimestamp();
      revisions.put(
          revision,
          new Observation.RevisionState(
              revision,
              true,
              spec == null ? 1 : spec,
              ready == null ? 0 : ready,
              created == null ? null : Instant.parse(created)));
    }
    return revisions;
  }

  private List<Observation.TakenMeasurement> measurements(Rollout rollout) {
    List<Observation.TakenMeasurement> taken = new ArrayList<>();
    if (rollout.getStatus() == null) {
      return taken;
    }
    var status = rollout.getStatus();
    QueryContext context =
        new QueryContext(
            rollout.getMetadata().getNamespace(),
            rollout.getMetadata().getName(),
            status.canaryRevision,
            status.stableRevision);
    for (AnalysisSchedule.DueMetric due :
        AnalysisSchedule.due(rollout.getSpec(), status, clock.instant())) {
      Measurement measurement = metrics.measure(due.metric(), context);
      taken.add(
          new Observation.TakenMeasurement(
              due.metric().name, due.scope(), due.stepIndex(), measurement));
    }
    return taken;
  }

  private static List<Observation.PendingCommand> pendingCommands(
      Rollout rollout, Collection<RolloutCommand> commands) {
    List<RolloutCommand> pending = new ArrayList<>();
    for (RolloutCommand command : commands) {
      boolean forThis =
          command.getSpec() != null
              && rollout.getMetadata().getName().equals(command.getSpec().rollout)
              && rollout.getMetadata().getNamespace().equals(command.getMetadata().getNamespace());
      boolean open = command.getStatus() == null || command.getStatus().phase == null;
      if (forThis && open && command.getSpec().action != null) {
        pending.add(command);
      }
    }
    pending.sort(
        Comparator.comparing(
                (RolloutCommand c) -> String.valueOf(c.getMetadata().getCreationTimestamp()))
            .thenComparing(c -> c.getMetadata().getName()));
    List<Observation.PendingCommand> result = new ArrayList<>();
    for (RolloutCommand command : pending) {
      String created = command.getMetadata().getCreationTimestamp();
      result.add(
          new Observation.PendingCommand(
              command.getMetadata().getName(),
              command.getMetadata().getUid(),
              command.getSpec().action,
              command.getSpec().reason,
              command.getSpec().requestedBy,
              created == null ? null : Instant.parse(created)));
    }
    return result;
  }

  private static boolean ownedBy(HasMetadata resource, String uid) {
    var owners = resource.getMetadata().getOwnerReferences();
    return owners != null && owners.stream().anyMatch(owner -> uid.equals(owner.getUid()));
  }

  private static String label(HasMetadata resource, String key) {
    var labels = resource.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
