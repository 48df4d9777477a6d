package io.rearguard.simulator;

import java.nio.file.Path;

/**
 * Settings of one simulator run.
 *
 * @param kubeconfig kubeconfig file, or null to let fabric8 find one ({@code KUBECONFIG}, then
 *     {@code ~/.kube/config}, then the in-cluster service account)
 * @param namespace namespace whose ReplicaSets are watched, or null for all namespaces
 * @param requestsPerSecond synthetic requests per second sent to each rollout
 * @param port TCP port on 127.0.0.1 for metrics and control, or 0 for a free ephemeral port
 * @param seed seed of the random generator, or null to pick one at random (it is logged)
 */
public record SimulatorConfig(
    Path kubeconfig, String namespace, double requestsPerSecond, int port, Long seed) {

  /** Default port, which the local Prometheus of the e2e stack scrapes. */
  public static final int DEFAULT_PORT = 18080;

  /** Default synthetic requests per second per rollout. */
  public static final double DEFAULT_REQUESTS_PER_SECOND = 50;

  public SimulatorConfig {
    if (!(requestsPerSecond > 0 && Double.isFinite(requestsPerSecond))) {
      throw new IllegalArgumentException(
          "request rate must be a number > 0, got " + requestsPerSecond);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (namespace != null && namespace.isBlank()) {
      throw new IllegalArgumentException("namespace must not be blank; omit it for all namespaces");
    }
  }
}
