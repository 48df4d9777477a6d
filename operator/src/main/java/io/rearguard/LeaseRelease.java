package io.rearguard;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives up the leader Lease on a clean stop, so that another replica takes over at once instead of
 * waiting for the lease to expire. It runs after the operator has stopped reconciling.
 */
final class LeaseRelease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  static void release(KubernetesClient client, String namespace, String name, String identity) {
    try {
      var lease = client.leases().inNamespace(namespace).withName(name);
      var current = lease.get();
      if (current == null
          || current.getSpec() == null
          || !identity.equals(current.getSpec().getHolderIdentity())) {
        return;
      }
      current.getSpec().setHolderIdentity(null);
      current.getSpec().setLeaseDurationSeconds(1);
      current.getSpec().setRenewTime(ZonedDateTime.now());
      client.leases().inNamespace(namespace).resource(current).update();
      LOG.info("released the leader lease {}/{}", namespace, name);
    } catch (KubernetesClientException e) {
      // Another replica takes over when the lease expires.
      LOG.warn("could not release the leader lease {}/{}: {}", namespace, name, e.getMessage());
    }
  }
}
