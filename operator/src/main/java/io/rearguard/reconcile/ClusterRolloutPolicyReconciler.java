package io.rearguard.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.rearguard.api.ClusterRolloutPolicy;

/**
 * Writes the status and the change records of ClusterRolloutPolicy resources. It is called for
 * delete events too (triggerReconcilerOnAllEvents), so a deletion is recorded from the last known
 * state without a finalizer.
 */
@ControllerConfiguration(
    name = ClusterRolloutPolicyReconciler.NAME,
    triggerReconcilerOnAllEvents = true)
public class ClusterRolloutPolicyReconciler implements Reconciler<ClusterRolloutPolicy> {
  public static final String NAME = "clusterrolloutpolicy";

  private final PolicyStatusPass pass;

  public ClusterRolloutPolicyReconciler(PolicyStatusPass pass) {
    this.pass = pass;
  }

  @Override
  public UpdateControl<ClusterRolloutPolicy> reconcile(
      ClusterRolloutPolicy policy, Context<ClusterRolloutPolicy> context) {
    return PolicyControllers.reconcile(pass, policy, context);
  }
}
