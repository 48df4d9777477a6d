package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.Main;

/** Reads the operator's leader-election Lease. */
final class LeaderLease {
  private LeaderLease() {}

  /** Returns the Lease, or null before any operator process has taken it. */
  static Lease read(KubernetesClient client) {
    return client
        .resources(Lease.class)
        .inNamespace(E2eStack.OPERATOR_NAMESPACE)
        .withName(Main.LEASE_NAME)
        .get();
  }

  /** Returns the identity of the process that holds the Lease, or null when none does. */
  static String holder(KubernetesClient client) {
    Lease lease = read(client);
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
