package io.rearguard.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.rearguard.api.PolicyResource;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.MDC;

/** Reconcile steps shared by the RolloutPolicy and ClusterRolloutPolicy reconcilers. */
final class PolicyControllers {
  private PolicyControllers() {}

  static <P extends HasMetadata & PolicyResource> UpdateControl<P> reconcile(
      PolicyStatusPass pass, P policy, Context<P> context) {
    try (var name = MDC.putCloseable("policy", policy.getMetadata().getName())) {
      if (context.isPrimaryResourceDeleted()) {
        pass.deleted(policy);
        return UpdateControl.noUpdate();
      }
      Optional<Duration> requeue =
          pass.run(policy, desired -> writeStatus(policy, desired, context));
      UpdateControl<P> control = UpdateControl.noUpdate();
      return requeue.map(control::rescheduleAfter).orElse(control);
    }
  }

  /**
   * Replaces the status with optimistic locking, so a status computed from a stale copy fails with
   * a conflict and is retried on fresh state instead of staging a change record twice.
   */
  private static <P extends HasMetadata> P writeStatus(P original, P desired, Context<P> context) {
    P updated = context.getClient().resource(desired).updateStatus();
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, original);
    return updated;
  }
}
