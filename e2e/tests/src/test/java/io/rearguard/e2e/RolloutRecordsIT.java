package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rearguard.api.MetricEvidence;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.evidence.ChainVerifier;
import io.rearguard.evidence.RecordHashing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RolloutRecords on the real control plane: one per transition, chained and verifiable, and
 * protected by the admission policies against changes and deletion even by system:masters.
 */
class RolloutRecordsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NAME = "shop";

  private static OperatorStack env;
  private static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-records-it");
    admin = RecordFixtures.connectAs(env.stack, "admin");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (env != null) {
      env.close();
    }
  }

  private String manifest(String namespace, String image) {
    return RolloutManifests.rollout(
        namespace, NAME, image, env.stack.prometheusAddress(), "{duration: 2s}");
  }

  private Rollout deployHealthy(String namespace) throws Exception {
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v1"));
    return env.awaitRollout(
        namespace, NAME, TIMEOUT, "v1 healthy", r -> r.getStatus().phase == RolloutPhase.Healthy);
  }

  private static ChainVerifier.Result verify(String namespace) {
    List<RolloutRecord> records = RecordFixtures.records(admin, namespace, NAME);
    Rollout rollout = env.rollout(namespace, NAME);
    return ChainVerifier.verify(NAME, records, rollout.getStatus().history);
  }

  private static RolloutRecordSpec withReason(List<RolloutRecord> records, String reason) {
    return records.stream()
        .map(RolloutRecord::getSpec)
        .filter(spec -> reason.equals(spec.reason))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record with reason " + reason));
  }

  @Test
  void everyTransitionHasOneChainedRecord() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "records-lifecycle");
    String v1 = deployHealthy(namespace).getStatus().stableRevision;
    env.kubectl.apply(
        RolloutManifests.command(namespace, "abort-idle", NAME, "abort", "pager alert, no canary"));
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v2"));
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "v2 promoted",
        r ->
            !v1.equals(r.getStatus().stableRevision)
                && r.getStatus().phase == RolloutPhase.Healthy);
    env.simulator.failRequests("registry.example/shop:v3", 0.5);
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v3"));
    env.awaitRollout(
        namespace, NAME, TIMEOUT, "v3 aborted", r -> r.getStatus().phase == RolloutPhase.Aborted);

    Rollout settled = RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    List<RolloutRecord> records = RecordFixtures.records(admin, namespace, NAME);

    assertThat(records.stream().map(r -> r.getSpec().reason).sorted().toList())
        .as("one record per transition, as the Events report them")
        .isEqualTo(RecordFixtures.eventReasons(admin, namespace, NAME));
    assertThat(records)
        .extracting(r -> r.getSpec().sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, records.size()).boxed().toList());
    assertThat(records)
        .extracting(r -> r.getSpec().reason)
        .contains(
            "RevisionDeployed",
            "CommandRejected",
            "CanaryStarted",
            "StepCompleted",
            "Promoted",
            "AnalysisFailed");
    assertThat(settled.getStatus().history.lastSequence).isEqualTo(records.size());
    assertThat(verify(namespace).intact()).isTrue();

    RolloutRecordSpec rejected = withReason(records, "CommandRejected");
    assertThat(rejected.actor).isEqualTo("command/abort-idle by oncall-alice");
    RolloutRecordSpec failed = withReason(records, "AnalysisFailed");
    assertThat(failed.actor).isEqualTo("operator");
    assertThat(failed.canary.images).containsExactly("registry.example/shop:v3");
    assertThat(failed.stable.images).containsExactly("registry.example/shop:v2");
    assertThat(failed.from.phase).isEqualTo("Progressing");
    assertThat(failed.to.phase).isEqualTo("Aborted");
    assertThat(failed.evidence.message).contains("error-ratio");
    MetricEvidence metric = failed.evidence.metrics.get(0);
    assertThat(metric.metric).isEqualTo("error-ratio");
    assertThat(metric.outcome).isEqualTo("Failed");
    assertThat(metric.threshold).isEqualTo("max 0.05");
    assertThat(metric.interval).isEqualTo("2s");
    assertThat(metric.query).contains("simulator_requests_total").contains(namespace);
    assertThat(Double.parseDouble(metric.value)).isGreaterThan(0.05);
    assertThat(failed.hash).isEqualTo(RecordHashing.hash(failed));
  }

  @Test
  void adminCannotEditRecordAtAdmission() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "records-edit");
    deployHealthy(namespace);
    RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    String name = RolloutRecord.name(NAME, 1);
    var resource = admin.resources(RolloutRecord.class).inNamespace(namespace).withName(name);

    assertThatThrownBy(
            () ->
                resource.edit(
                    r -> {
                      r.getMetadata().getLabels().put("edited", "true");
                      return r;
                    }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("rearguard-records-immutable")
        .hasMessageContaining("cannot be changed");
    assertThatThrownBy(
            () ->
                resource.edit(
                    r -> {
                      r.getSpec().actor = "command/promote-1 by someone-else";
                      return r;
                    }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("cannot be changed");
    RolloutRecord stored = resource.get();
    assertThat(stored.getMetadata().getLabels()).doesNotContainKey("edited");
    assertThat(stored.getSpec().actor).isEqualTo("operator");
    assertThat(verify(namespace).intact()).isTrue();
  }

  @Test
  void adminCannotDeleteRecordAtAdmission() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "records-delete");
    deployHealthy(namespace);
    RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    String name = RolloutRecord.name(NAME, 1);
    var resource = admin.resources(RolloutRecord.class).inNamespace(namespace).withName(name);

    assertThatThrownBy(resource::delete)
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("rearguard-records-immutable")
        .hasMessageContaining("cannot be deleted by admin");
    assertThat(resource.get()).isNotNull();
    assertThat(verify(namespace).intact()).isTrue();
  }

  @Test
  void forgedRecordIsDetectedByVerify() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "records-forged");
    deployHealthy(namespace);
    Rollout settled = RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    assertThat(
            RecordFixtures.plugin(env.stack, "oncall-alice", namespace, "verify", NAME).exitCode())
        .isZero();
    long last = settled.getStatus().history.lastSequence;
    RolloutRecordSpec forged =
        RecordHashing.copy(
            RecordFixtures.records(admin, namespace, NAME).get((int) last - 1).getSpec());
    forged.sequence = last + 1;
    forged.reason = "Promoted";
    forged.actor = "command/promote-9 by oncall-alice";
    forged.message = "Stable moved to an unreviewed revision";
    forged.previousHash = settled.getStatus().history.lastHash;
    forged.hash = RecordHashing.hash(forged);
    RolloutRecord record = new RolloutRecord();
    record.setMetadata(
        new ObjectMetaBuilder()
            .withName(RolloutRecord.name(NAME, last + 1))
            .withNamespace(namespace)
            .withLabels(Map.of(RolloutRecord.ROLLOUT_LABEL, NAME))
            .build());
    record.setSpec(forged);
    admin.resource(record).create();

    ChainVerifier.Result result = verify(namespace);
    RecordFixtures.PluginResult plugin =
        RecordFixtures.plugin(env.stack, "oncall-alice", namespace, "verify", NAME);

    assertThat(result.intact()).isFalse();
    assertThat(result.finding().orElseThrow().kind()).isEqualTo(ChainVerifier.Tampering.INSERTED);
    assertThat(result.finding().orElseThrow().record())
        .isEqualTo(RolloutRecord.name(NAME, last + 1));
    assertThat(plugin.exitCode()).isEqualTo(1);
    assertThat(plugin.stderr())
        .contains("TAMPERED: record " + RolloutRecord.name(NAME, last + 1))
        .contains("was inserted");
  }
}
