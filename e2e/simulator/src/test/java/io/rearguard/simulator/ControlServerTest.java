package io.rearguard.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RolloutId SHOP = new RolloutId("demo", "shop");

  private final FaultRegistry faults = new FaultRegistry();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ControlServer server;

  @BeforeEach
  void startServer() throws IOException {
    List<TrafficSplit> splits =
        List.of(
            new TrafficSplit(
                SHOP,
                List.of(
                    new RevisionWeight("abc123", "registry.example/app:v1", 2, 2.0 / 3),
                    new RevisionWeight("def456", "registry.example/app:v2", 1, 1.0 / 3))));
    PrometheusRegistry registry = new PrometheusRegistry();
    SimulatorMetrics metrics = new SimulatorMetrics(registry);
    metrics.recordRequest(new SyntheticRequest(SHOP, splits.get(0).revisions().get(0), 200, 0.01));
    server = new ControlServer(0, faults, () -> splits, registry);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, publisher)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String errorOf(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body()).path("error").asText();
  }

  @Test
  void putByRevisionStoresRule() throws Exception {
    HttpResponse<String> response =
        send("PUT", "/faults", "{\"revision\": \"def456\", \"errorRate\": 0.5, \"latencyMs\": 20}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("revision").asText()).isEqualTo("def456");
    assertThat(body.path("errorRate").asDouble()).isEqualTo(0.5);
    assertThat(faults.settingsFor("def456", "registry.example/app:v2"))
        .isEqualTo(new FaultSettings(0.5, 20, 0));
  }

  @Test
  void getListsRulesAndDeleteClearsThem() throws Exception {
    send("PUT", "/faults", "{\"image\": \"registry.example/app:v2\", \"latencyMs\": 300}");
    send("PUT", "/faults", "{\"revision\": \"abc123\", \"invariantViolationsPerSecond\": 2}");

    HttpResponse<String> listed = send("GET", "/faults", null);
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonNode rules = JSON.readTree(listed.body()).path("faults");
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).path("revision").asText()).isEqualTo("abc123");
    assertThat(rules.get(0).path("invariantViolationsPerSecond").asDouble()).isEqualTo(2.0);
    assertThat(rules.get(1).path("image").asText()).isEqualTo("registry.example/app:v2");
    assertThat(rules.get(1).path("latencyMs").asDouble()).isEqualTo(300.0);

    HttpResponse<String> deleted = send("DELETE", "/faults", null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(deleted.body()).path("cleared").asInt()).isEqualTo(2);
    assertThat(faults.list()).isEmpty();
  }

  @Test
  void badJsonIsRejectedWith400() throws Exception {
    HttpResponse<String> response = send("PUT", "/faults", "{\"revision\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorOf(response)).startsWith("invalid JSON");
    assertThat(faults.list()).isEmpty();
  }

  @Test
  void errorRateOutOfRangeIsRejectedWith400() throws Exception {
    HttpResponse<String> response =
        send("PUT", "/faults", "{\"revision\": \"abc123\", \"errorRate\": 2}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorOf(response)).isEqualTo("'errorRate' must be between 0 and 1, got 2.0");
  }

  @Test
  void negativeLatencyIsRejectedWith400() throws Exception {
    HttpResponse<String> response =
        send("PUT", "/faults", "{\"revision\": \"abc123\", \"latencyMs\": -1}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorOf(response)).contains("'latencyMs' must not be negative");
  }

  @Test
  void unknownFieldIsRejectedWith400() throws Exception {
    HttpResponse<String> response =
        send("PUT", "/faults", "{\"revision\": \"abc123\", \"error_rate\": 0.1}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorOf(response)).startsWith("unknown field 'error_rate'");
  }

  @Test
  void oversizedBodyIsRejectedWith400() throws Exception {
    String padding = " ".repeat(ControlServer.MAX_BODY_BYTES);
    HttpResponse<String> response =
        send("PUT", "/faults", "{\"revision\": \"abc123\"" + padding + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorOf(response)).contains("larger than the limit of 16384 bytes");
    assertThat(faults.list()).isEmpty();
  }

  @Test
  void oversizedChunkedBodyIsRejectedWith400() throws Exception {
    byte[] body = ("{\"revision\": \"abc123\"" + " ".repeat(20_000) + "}").getBytes(UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/faults"))
            .timeout(Duration.ofSeconds(10))
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();

    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(errorOf(response)).contains("larger than the limit of 16384 bytes");
  }

  @Test
  void serverKeepsServingAfterBadRequests() throws Exception {
    send("PUT", "/faults", "not json");
    send("PUT", "/faults", "");

    HttpResponse<String> health = send("GET", "/healthz", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
  }

  @Test
  void unsupportedMethodGets405() throws Exception {
    HttpResponse<String> response = send("POST", "/faults", "{}");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET, PUT, DELETE");
  }

  @Test
  void unknownPathGets404() throws Exception {
    assertThat(send("GET", "/nothing", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/faults/abc123", null).statusCode()).isEqualTo(404);
  }

  @Test
  void splitShowsWeightsPerRollout() throws Exception {
    HttpResponse<String> response = send("GET", "/split", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode rollout = JSON.readTree(response.body()).path("rollouts").get(0);
    assertThat(rollout.path("namespace").asText()).isEqualTo("demo");
    assertThat(rollout.path("rollout").asText()).isEqualTo("shop");
    assertThat(rollout.path("totalReadyReplicas").asInt()).isEqualTo(3);
    JsonNode revisions = rollout.path("revisions");
    assertThat(revisions).hasSize(2);
    assertThat(revisions.get(0).path("revision").asText()).isEqualTo("abc123");
    assertThat(revisions.get(0).path("image").asText()).isEqualTo("registry.example/app:v1");
    assertThat(revisions.get(0).path("readyReplicas").asInt()).isEqualTo(2);
    assertThat(revisions.get(0).path("weight").asDouble()).isEqualTo(2.0 / 3);
  }

  @Test
  void metricsEndpointServesPrometheusText() throws Exception {
    HttpResponse<String> response = send("GET", "/metrics", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("# TYPE simulator_requests_total counter");
  }
}
