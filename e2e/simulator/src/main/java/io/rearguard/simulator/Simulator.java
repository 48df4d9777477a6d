package io.rearguard.simulator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Running traffic simulator: split source, traffic loop and HTTP server. Closing it stops all
 * three, the split source included.
 */
public final class Simulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);

  /** Interval between traffic ticks. Each tick sends the requests that fell due since the last. */
  static final Duration TICK_INTERVAL = Duration.ofMillis(100);

  private final Deque<AutoCloseable> components;
  private final ControlServer server;
  private final FaultRegistry faults;

  private Simulator(Deque<AutoCloseable> components, ControlServer server, FaultRegistry faults) {
    this.components = components;
    this.server = server;
    this.faults = faults;
  }

  /**
   * Connects to the cluster, waits for the first list of ReplicaSets and starts sending traffic.
   *
   * @throws IOException if the HTTP port cannot be bound
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the cluster cannot be read
   */
  public static Simulator start(SimulatorConfig config) throws IOException {
    KubernetesClient client = createClient(config);
    ReplicaSetSplitSource source = new ReplicaSetSplitSource(client, config.namespace(), true);
    try {
      source.start();
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    return start(config, source);
  }

  /**
   * Starts sending traffic with splits from the given source, which the simulator then owns.
   *
   * @throws IOException if the HTTP port cannot be bound
   */
  public static Simulator start(SimulatorConfig config, TrafficSplitSource source)
      throws IOException {
    Deque<AutoCloseable> components = new ArrayDeque<>();
    components.push(source);
    try {
      long seed = config.seed() != null ? config.seed() : new SecureRandom().nextLong();
      PrometheusRegistry registry = new PrometheusRegistry();
      SimulatorMetrics metrics = new SimulatorMetrics(registry);
      FaultRegistry faults = new FaultRegistry();
      RequestGenerator generator = new RequestGenerator(faults, new Random(seed));

      TrafficLoop loop = new TrafficLoop(source, generator, metrics, config.requestsPerSecond());
      ControlServer server = new ControlServer(config.port(), faults, source, registry);
      components.push(loop);
      components.push(server);
      loop.start(TICK_INTERVAL);
      server.start();
      LOG.info(
          "Traffic simulator started: {} requests per second per rollout, seed {}, namespace {}",
          config.requestsPerSecond(),
          seed,
          config.namespace() == null ? "(all)" : config.namespace());
      return new Simulator(components, server, faults);
    } catch (IOException | RuntimeException e) {
      closeAll(components);
      throw e;
    }
  }

  /** Returns the port of the metrics and control server. */
  public int port() {
    return server.port();
  }

  /** Returns the fault rules, which in-process callers may change directly. */
  public FaultRegistry faults() {
    return faults;
  }

  @Override
  public void close() {
    closeAll(components);
    LOG.info("Traffic simulator stopped");
  }

  private static KubernetesClient createClient(SimulatorConfig config) {
    Config kubernetesConfig =
        config.kubeconfig() == null
            ? Config.autoConfigure(null)
            : Config.fromKubeconfig(config.kubeconfig().toFile());
    return new KubernetesClientBuilder().withConfig(kubernetesConfig).build();
  }

  private static void closeAll(Deque<AutoCloseable> components) {
    while (!components.isEmpty()) {
      AutoCloseable component = components.pop();
      try {
        component.close();
      } catch (Exception e) {
        LOG.warn("Failed to close {}", component.getClass().getSimpleName(), e);
      }
    }
  }
}
