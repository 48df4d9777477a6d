package io.rearguard.cli;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A connection to the cluster for one command.
 *
 * @param client the API client
 * @param namespace the namespace the command works in
 * @param server the API server URL, for error messages
 */
record Session(KubernetesClient client, String namespace, String server) implements AutoCloseable {
  @Override
  public void close() {
    client.close();
  }
}
