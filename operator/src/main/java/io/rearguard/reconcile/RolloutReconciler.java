package io.rearguard.reconcile;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.observe.RolloutObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Thin reconciler: observe, decide, write status once when it changed, act, report. The status is
 * written before the actions, so intent is recorded before traffic moves.
 */
@ControllerConfiguration(name = RolloutReconciler.NAME)
public class RolloutReconciler implements Reconciler<Rollout> {
  public static final String NAME = "rollout";

  private static final Logger LOG = LoggerFactory.getLogger(RolloutReconciler.class);
  private static final Duration MIN_REQUEUE = Duration.ofMillis(200);

  private final RolloutPass pass;
  private final PolicyInformers policies;

  /** Creates a reconciler that watches no policies. */
  public RolloutReconciler(RolloutPass pass) {
    this(pass, null);
  }

  /**
   * Creates a reconciler that also registers the policy and namespace informers, whose caches the
   * pass's observer reads through {@code policies}.
   */
  public RolloutReconciler(RolloutPass pass, PolicyInformers policies) {
    this.pass = pass;
    this.policies = policies;
  }

  @Override
  public List<EventSource<?, Rollout>> prepareEventSources(EventSourceContext<Rollout> context) {
    var replicaSets =
        InformerEventSourceConfiguration.from(ReplicaSet.class, Rollout.class)
            .withName("replicasets")
            .withLabelSelector(RolloutObserver.ROLLOUT_LABEL)
            .withNamespacesInheritedFromController()
            .build();
    var commands =
        InformerEventSourceConfiguration.from(RolloutCommand.class, Rollout.class)
            .withName("commands")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                command ->
                    command.getSpec() == null || command.getSpec().rollout == null
                        ? Set.of()
                        : Set.of(
                            new ResourceID(
                                command.getSpec().rollout, command.getMetadata().getNamespace())))
            .build();
    List<EventSource<?, Rollout>> sources = new ArrayList<>();
    sources.add(new InformerEventSource<>(replicaSets, context));
    sources.add(new InformerEventSource<>(commands, context));
    if (policies != null) {
      sources.addAll(policies.create(context));
    }
    return sources;
  }

  @Override
  public UpdateControl<Rollout> reconcile(Rollout rollout, Context<Rollout> context) {
    try (var ns = MDC.putCloseable("namespace", rollout.getMetadata().getNamespace());
        var name = MDC.putCloseable("rollout", rollout.getMetadata().getName())) {
      Duration requeue =
          pass.run(
              rollout,
              context.getSecondaryResources(ReplicaSet.class),
              context.getSecondaryResources(RolloutCommand.class),
              (original, desired) -> writeStatus(original, desired, context));
      LOG.debug("reconciled; next look in {}", requeue);
      return UpdateControl.<Rollout>noUpdate()
          .rescheduleAfter(requeue.compareTo(MIN_REQUEUE) < 0 ? MIN_REQUEUE : requeue);
    }
  }

  /**
   * Replaces the status with optimistic locking, so a decision made on a stale copy fails with a
   * conflict and is retried on fresh state instead of overwriting newer progress.
   */
  private static Rollout writeStatus(Rollout original, Rollout desired, Context<Rollout> context) {
    Rollout updated = context.getClient().resource(desired).updateStatus();
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, original);
    return updated;
  }
}
