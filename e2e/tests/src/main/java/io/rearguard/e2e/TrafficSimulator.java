package io.rearguard.e2e;

import io.rearguard.simulator.Simulator;
import io.rearguard.simulator.SimulatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The traffic simulator, run in this JVM on the port the stack's Prometheus scrapes, and driven
 * through its HTTP control endpoint as a person or a script would.
 */
public final class TrafficSimulator implements AutoCloseable {
  private final Simulator simulator;
  private final HttpClient http = HttpClient.newHttpClient();

  private TrafficSimulator(Simulator simulator) {
    this.simulator = simulator;
  }

  /** Starts the simulator for all namespaces at the default request rate. */
  public static TrafficSimulator start(E2eStack stack) throws IOException {
    return start(stack, SimulatorConfig.DEFAULT_REQUESTS_PER_SECOND);
  }

  /**
   * Starts the simulator for all namespaces.
   *
   * @param requestsPerSecond synthetic requests per second sent to each Rollout, split across its
   *     revisions by ready pods
   */
  public static TrafficSimulator start(E2eStack stack, double requestsPerSecond)
      throws IOException {
    return new TrafficSimulator(
        Simulator.start(
            new SimulatorConfig(
                stack.kubeconfig(), null, requestsPerSecond, stack.simulatorPort(), null)));
  }

  /** Makes a share of the requests served by an image fail with status 500. */
  public void failRequests(String image, double errorRate)
      throws IOException, InterruptedException {
    send("PUT", "{\"image\":\"" + image + "\",\"errorRate\":" + errorRate + "}");
  }

  /** Removes every fault. */
  public void clearFaults() throws IOException, InterruptedException {
    send("DELETE", null);
  }

  private void send(String method, String body) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + simulator.port() + "/faults");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          method + " /faults failed with " + response.statusCode() + ": " + response.body());
    }
  }

  @Override
  public void close() {
    simulator.close();
  }
}
