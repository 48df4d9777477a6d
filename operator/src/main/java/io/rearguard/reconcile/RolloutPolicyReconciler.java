package io.rearguard.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.rearguard.api.RolloutPolicy;

/**
 * Writes the status and the change records of RolloutPolicy resources. It is called for delete
 * events too (triggerReconcilerOnAllEvents), so a deletion is recorded from the last known state
 * without a finalizer.
 */
@ControllerConfiguration(name = RolloutPolicyReconciler.NAME, triggerReconcilerOnAllEvents = true)
public class RolloutPolicyReconciler implements Reconciler<RolloutPolicy> {
  public static final String NAME = "rolloutpolicy";

  private final PolicyStatusPass pass;

  public RolloutPolicyReconciler(PolicyStatusPass pass) {
    this.pass = pass;
  }

  @Override
  public UpdateControl<RolloutPolicy> reconcile(
      RolloutPolicy policy, Context<RolloutPolicy> context) {
    return PolicyControllers.reconcile(pass, policy, context);
  }
}
