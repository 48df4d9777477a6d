package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {

  private static final RolloutId SHOP = new RolloutId("demo", "shop");
  private static final TrafficSplitSource ONE_REVISION =
      () ->
          List.of(
              new TrafficSplit(
                  SHOP, List.of(new RevisionWeight("abc123", "registry.example/app:v3", 2, 1.0))));

  private final HttpClient http = HttpClient.newHttpClient();

  private String metrics(int port) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void metricsExposeContractNamesAndLabels() throws Exception {
    SimulatorConfig config = new SimulatorConfig(null, "demo", 200, 0, 1L);
    try (Simulator simulator = Simulator.start(config, ONE_REVISION)) {
      simulator
          .faults()
          .put(new FaultRule(FaultTarget.revision("abc123"), new FaultSettings(0.5, 0, 20)));

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> metrics(simulator.port()).contains("simulator_invariant_violations_total{"));

      String text = metrics(simulator.port());
      assertThat(text)
          .contains(
              "simulator_requests_total{code=\"200\",image=\"registry.example/app:v3\","
                  + "namespace=\"demo\",revision=\"abc123\",rollout=\"shop\"}")
          .contains(
              "simulator_requests_total{code=\"500\",image=\"registry.example/app:v3\","
                  + "namespace=\"demo\",revision=\"abc123\",rollout=\"shop\"}")
          .contains(
              "simulator_request_duration_seconds_bucket{namespace=\"demo\",revision=\"abc123\","
                  + "rollout=\"shop\",le=\"0.025\"}")
          .contains(
              "simulator_request_duration_seconds_count{namespace=\"demo\",revision=\"abc123\","
                  + "rollout=\"shop\"}")
          .contains(
              "simulator_invariant_violations_total{namespace=\"demo\",revision=\"abc123\","
                  + "rollout=\"shop\"}");
    }
  }

  @Test
  void portInUseFailsStart() throws Exception {
    SimulatorConfig first = new SimulatorConfig(null, null, 10, 0, 1L);
    try (Simulator running = Simulator.start(first, ONE_REVISION)) {
      SimulatorConfig second = new SimulatorConfig(null, null, 10, running.port(), 1L);

      assertThatThrownBy(() -> Simulator.start(second, ONE_REVISION))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void configRejectsInvalidValues() {
    assertThatThrownBy(() -> new SimulatorConfig(null, null, 0, 0, null))
        .hasMessageContaining("request rate must be a number > 0");
    assertThatThrownBy(() -> new SimulatorConfig(null, null, 50, 70_000, null))
        .hasMessageContaining("port must be between 0 and 65535");
    assertThatThrownBy(() -> new SimulatorConfig(null, " ", 50, 0, null))
        .hasMessageContaining("namespace must not be blank");
  }
}
