package io.rearguard.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecord;
import io.rearguard.evidence.ChainVerifier;
import io.rearguard.testkit.FakePrometheus;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real pass writes one RolloutRecord per transition, chained, even across a crash. */
@EnableKubernetesMockClient(crud = true)
class RecordChainScenarioTest {
  KubernetesClient client;

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

  private List<RolloutRecord> records() {
    return client
        .resources(RolloutRecord.class)
        .inNamespace(ScenarioHarness.NAMESPACE)
        .withLabel(RolloutRecord.ROLLOUT_LABEL, ScenarioHarness.NAME)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparingLong(r -> r.getSpec().sequence))
        .toList();
  }

  private ChainVerifier.Result verify() {
    return ChainVerifier.verify(
        ScenarioHarness.NAME, records(), harness.current().getStatus().history);
  }

  @Test
  void everyTransitionOfPromotionHasOneChainedRecord() {
    harness.create(harness.rollout("registry.example/checkout:v1"));
    harness.run(3);
    harness.command("abort-none", RolloutCommandSpec.Action.ABORT, "nothing runs yet");
    harness.run(2);
    harness.updateImage("registry.example/checkout:v2");
    harness.run(20);

    assertThat(harness.current().getStatus().phase).isEqualTo(RolloutPhase.Healthy);
    List<String> eventReasons =
        client.v1().events().inNamespace(ScenarioHarness.NAMESPACE).list().getItems().stream()
            .map(Event::getReason)
            .sorted()
            .toList();
    List<RolloutRecord> records = records();
    assertThat(records.stream().map(r -> r.getSpec().reason).sorted().toList())
        .isEqualTo(eventReasons);
    assertThat(records)
        .extracting(r -> r.getSpec().reason)
        .contains("RevisionDeployed", "CommandRejected", "CanaryStarted", "Promoted");
    assertThat(records)
        .extracting(r -> r.getSpec().sequence)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, records.size()).boxed().toList());
    assertThat(harness.current().getStatus().history.pending).isEmpty();
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void crashAfterStatusWriteStillStoresEveryRecord() {
    harness.create(harness.rollout("registry.example/checkout:v1"));
    harness.run(3);
    harness.updateImage("registry.example/checkout:v2");

    assertThatThrownBy(
            () ->
                harness.pass.run(
                    harness.current(),
                    harness.replicaSets(),
                    client.resources(RolloutCommand.class).list().getItems(),
                    (original, desired) -> {
                      client.resource(desired).updateStatus();
                      throw new IllegalStateException("operator killed after the status write");
                    }))
        .hasMessageContaining("killed");
    Rollout crashed = harness.current();
    long staged = crashed.getStatus().history.lastSequence;
    assertThat(crashed.getStatus().history.pending).isNotEmpty();
    assertThat(records()).hasSizeLessThan((int) staged);

    harness.run(3);

    assertThat(records()).extracting(r -> r.getSpec().sequence).contains(staged);
    assertThat(records()).extracting(r -> r.getSpec().reason).contains("CanaryStarted");
    assertThat(verify().intact()).isTrue();
  }
}
