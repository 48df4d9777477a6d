package io.rearguard.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.Rollout;
import io.rearguard.e2e.E2eStack;
import io.rearguard.e2e.Kubectl;
import io.rearguard.e2e.TrafficSimulator;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What both benchmarks share on the stack from {@code e2e/up}: an admin client with the CRDs and
 * the operator's RBAC applied, an in-process traffic simulator, kubectl, and a few helpers.
 */
final class BenchEnvironment implements AutoCloseable {
  final E2eStack stack;
  final KubernetesClient client;
  final Path operatorKubeconfig;
  final TrafficSimulator simulator;
  final Kubectl kubectl;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  BenchEnvironment(E2eStack stack) throws IOException {
    this.stack = stack;
    this.client = stack.connect();
    try {
      stack.installCrds(client);
      this.operatorKubeconfig = stack.installOperatorAccess(client);
      this.simulator = TrafficSimulator.start(stack);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
    this.kubectl = new Kubectl(stack);
  }

  Rollout rollout(String namespace, String name) {
    return client.resources(Rollout.class).inNamespace(namespace).withName(name).get();
  }

  /**
   * Polls every 100 ms until the Rollout matches.
   *
   * @throws IllegalStateException with the last status when the time limit passes first
   */
  Rollout awaitRollout(
      String namespace, String name, Duration timeout, String what, Predicate<Rollout> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Rollout last = null;
    while (Instant.now().isBefore(deadline)) {
      last = rollout(namespace, name);
      if (last != null && last.getStatus() != null && condition.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "timed out after "
            + timeout.toSeconds()
            + " s waiting for "
            + what
            + " of "
            + namespace
            + "/"
            + name
            + "; last status phase "
            + (last == null || last.getStatus() == null ? "none" : last.getStatus().phase));
  }

  /** Returns the value of a PromQL query that returns one sample, or NaN when it returns none. */
  double queryPrometheus(String promql) throws IOException, InterruptedException {
    var uri =
        stack.prometheusUri(
            "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "Prometheus query failed with " + response.statusCode() + ": " + response.body());
    }
    JsonNode result = json.readTree(response.body()).path("data").path("result");
    if (!result.isArray() || result.isEmpty()) {
      return Double.NaN;
    }
    return Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  /** Deletes a namespace and waits up to 60 s until it is gone. */
  void deleteNamespace(String namespace) {
    deleteNamespaces(List.of(namespace));
  }

  /** Deletes namespaces, then waits up to 60 s for each until it is gone. */
  void deleteNamespaces(List<String> namespaces) {
    for (String namespace : namespaces) {
      client.namespaces().withName(namespace).delete();
    }
    for (String namespace : namespaces) {
      client
          .namespaces()
          .withName(namespace)
          .waitUntilCondition(ns -> ns == null, 60, TimeUnit.SECONDS);
    }
  }

  /**
   * Returns one field of {@code /proc/<pid>/status} in KiB, such as VmRSS (resident set size) or
   * VmHWM (the peak resident set size that the kernel recorded).
   */
  static long procStatusKib(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " line in /proc/" + pid + "/status");
  }

  @Override
  public void close() {
    simulator.close();
    client.close();
  }
}
