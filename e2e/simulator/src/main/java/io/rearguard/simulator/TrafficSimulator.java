package io.rearguard.simulator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line entry point of the traffic simulator, which simulates the application pods of a
 * canary rollout. It runs until it receives SIGTERM or SIGINT.
 */
@Command(
    name = "rearguard-traffic-simulator",
    description =
        "Sends synthetic requests to the revisions of each rollout, weighted by the ready "
            + "replicas of their ReplicaSets, and serves Prometheus metrics and a fault "
            + "control API on 127.0.0.1.")
public final class TrafficSimulator implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficSimulator.class);

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print this help and exit.")
  private boolean helpRequested;

  @Option(
      names = "--kubeconfig",
      description =
          "Kubeconfig file. Default: fabric8's lookup ($KUBECONFIG, then ~/.kube/config).")
  private Path kubeconfig;

  @Option(
      names = "--namespace",
      defaultValue = "${env:REARGUARD_SIMULATOR_NAMESPACE}",
      description =
          "Namespace whose ReplicaSets are watched "
              + "(env REARGUARD_SIMULATOR_NAMESPACE). Default: all namespaces.")
  private String namespace;

  @Option(
      names = "--rate",
      defaultValue = "${env:REARGUARD_SIMULATOR_RATE:-50}",
      description =
          "Synthetic requests per second per rollout (env REARGUARD_SIMULATOR_RATE). "
              + "Default: ${DEFAULT-VALUE}.")
  private double requestsPerSecond;

  @Option(
      names = "--port",
      defaultValue = "${env:REARGUARD_SIMULATOR_PORT:-18080}",
      description =
          "Port on 127.0.0.1 for /metrics and the control endpoints, 0 for any free port "
              + "(env REARGUARD_SIMULATOR_PORT). Default: ${DEFAULT-VALUE}.")
  private int port;

  @Option(
      names = "--seed",
      defaultValue = "${env:REARGUARD_SIMULATOR_SEED}",
      description = "Seed of the random generator (env REARGUARD_SIMULATOR_SEED). Default: random.")
  private Long seed;

  /** Runs the simulator until the JVM is asked to stop. */
  public static void main(String[] args) {
    int exitCode = new CommandLine(new TrafficSimulator()).execute(args);
    System.exit(exitCode);
  }

  @Override
  public Integer call() throws InterruptedException {
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      LOG.error("Kubeconfig {} does not exist or is not readable", kubeconfig);
      return 2;
    }
    Simulator simulator;
    try {
      SimulatorConfig config =
          new SimulatorConfig(kubeconfig, namespace, requestsPerSecond, port, seed);
      simulator = Simulator.start(config);
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid option: {}", e.getMessage());
      return 2;
    } catch (IOException e) {
      LOG.error("Failed to bind 127.0.0.1:{}; is another simulator running?", port, e);
      return 1;
    } catch (KubernetesClientException e) {
      LOG.error("Failed to list ReplicaSets from the Kubernetes API server", e);
      return 1;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("Shutdown requested");
                  simulator.close();
                  stopped.countDown();
                },
                "simulator-shutdown"));
    stopped.await();
    return 0;
  }
}
