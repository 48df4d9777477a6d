package io.rearguard.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.decide.Reasons;
import io.rearguard.testkit.FakePrometheus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scenarios that run the real pass in a loop against the fabric8 mock API server (no server-side
 * apply), a fake Prometheus with switchable responses and a controllable clock.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutScenarioTest {
  KubernetesClient client;
  KubernetesMockServer server;

  private FakePrometheus prometheus;
  private ScenarioHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    prometheus = FakePrometheus.start();
    prometheus.respond(FakePrometheus.Response.ok(FakePrometheus.vector("0.01")));
    harness = new ScenarioHarness(client, prometheus);
  }

  @AfterEach
  void tearDown() {
    prometheus.close();
  }

  private void deployHealthyV1() {
    harness.create(harness.rollout("registry.example/checkout:v1"));
    harness.run(3);
    assertThat(harness.current().getStatus().phase).isEqualTo(RolloutPhase.Healthy);
  }

  @Test
  void healthyCanaryWalksEveryStepAndIsPromoted() {
    deployHealthyV1();
    String v1 = harness.current().getStatus().stableRevision;

    harness.updateImage("registry.example/checkout:v2");
    harness.run(20);

    Rollout rollout = harness.current();
    assertThat(rollout.getStatus().phase).isEqualTo(RolloutPhase.Healthy);
    assertThat(rollout.getStatus().stableRevision).isNotEqualTo(v1);
    assertThat(rollout.getStatus().canaryRevision).isNull();
    assertThat(readyByImage())
        .containsEntry("registry.example/checkout:v2", 4)
        .containsEntry("registry.example/checkout:v1", 0);
    assertThat(prometheus.lastParameter("query"))
        .isEqualTo("error_ratio{revision=\"" + rollout.getStatus().stableRevision + "\"}");
  }

  @Test
  void canaryAboveThresholdRollsBackWithEvidence() {
    deployHealthyV1();
    prometheus.respond(FakePrometheus.Response.ok(FakePrometheus.vector("0.2")));

    harness.updateImage("registry.example/checkout:v2");
    harness.run(10);

    Rollout rollout = harness.current();
    assertThat(rollout.getStatus().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(rollout.getStatus().abort.reason).isEqualTo(Reasons.ANALYSIS_FAILED);
    assertThat(rollout.getStatus().abort.message).contains("0.2").contains("error_ratio");
    assertThat(rollout.getStatus().canaryWeight).isZero();
    assertThat(readyByImage())
        .containsEntry("registry.example/checkout:v1", 4)
        .containsEntry("registry.example/checkout:v2", 0);
    var run = rollout.getStatus().analysis.get(0);
    assertThat(run.measurements.get(run.measurements.size() - 1).outcome)
        .isEqualTo(MeasurementOutcome.Failed);
  }

  @Test
  void prometheusDownHoldsTheCanaryAndNeverPromotes() {
    deployHealthyV1();
    prometheus.respond(FakePrometheus.Response.status(503, "unavailable"));

    harness.updateImage("registry.example/checkout:v2");
    harness.run(4);

    Rollout rollout = harness.current();
    assertThat(rollout.getStatus().canaryRevision).isNotNull();
    assertThat(rollout.getStatus().currentStepIndex).isEqualTo(1);
    assertThat(rollout.getStatus().analysis.get(0).errors).isPositive();
    assertThat(rollout.getStatus().analysis.get(0).successful).isZero();
  }

  @Test
  void abortCommandRollsBackOnceAndIsAccepted() {
    deployHealthyV1();
    prometheus.respond(FakePrometheus.Response.status(503, "unavailable"));
    harness.updateImage("registry.example/checkout:v2");
    harness.run(2);

    harness.command("stop-it", RolloutCommandSpec.Action.ABORT, "checkout latency alarm");
    harness.run(3);

    Rollout rollout = harness.current();
    assertThat(rollout.getStatus().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(rollout.getStatus().abort.actor).isEqualTo("command/stop-it by oncall-alice");
    assertThat(harness.commandNamed("stop-it").getStatus().phase)
        .isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(readyByImage()).containsEntry("registry.example/checkout:v1", 4);
  }

  @Test
  void abortWithNothingInProgressIsRejectedAndKeepsStable() {
    deployHealthyV1();

    harness.command("stop-nothing", RolloutCommandSpec.Action.ABORT, "just in case");
    harness.run(2);

    var status = harness.commandNamed("stop-nothing").getStatus();
    assertThat(status.phase).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(status.message).contains("nothing to abort");
    assertThat(harness.current().getStatus().phase).isEqualTo(RolloutPhase.Healthy);
    assertThat(readyByImage()).containsEntry("registry.example/checkout:v1", 4);
  }

  @Test
  void steadyHealthyRolloutMakesNoApiWrites() throws Exception {
    deployHealthyV1();
    drainRequests();

    for (int i = 0; i < 5; i++) {
      harness.step();
    }

    List<String> writes =
        drainRequests().stream()
            .filter(request -> !"GET".equals(request.getMethod()))
            .map(request -> request.getMethod() + " " + request.getPath())
            .toList();
    assertThat(writes).isEmpty();
  }

  private List<RecordedRequest> drainRequests() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }

  private Map<String, Integer> readyByImage() {
    return harness.replicaSets().stream()
        .collect(
            Collectors.toMap(
                ScenarioHarness::imageOf,
                (ReplicaSet rs) ->
                    rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null
                        ? 0
                        : rs.getStatus().getReadyReplicas(),
                Integer::sum));
  }
}
