package io.rearguard.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.evidence.RecordHashing;
import io.rearguard.testkit.Rollouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RecordWriterTest {
  KubernetesClient client;

  private final Rollout rollout = Rollouts.rollout().build();

  private static List<RolloutRecordSpec> chain(int count) {
    List<RolloutRecordSpec> records = new ArrayList<>();
    String previous = null;
    for (long sequence = 1; sequence <= count; sequence++) {
      RolloutRecordSpec spec = new RolloutRecordSpec();
      spec.rollout = Rollouts.NAME;
      spec.sequence = sequence;
      spec.time = "2024-05-01T12:00:0" + sequence + "Z";
      spec.reason = "StepCompleted";
      spec.previousHash = previous;
      spec.hash = RecordHashing.hash(spec);
      previous = spec.hash;
      records.add(spec);
    }
    return records;
  }

  private List<RolloutRecord> stored() {
    return client.resources(RolloutRecord.class).inNamespace(Rollouts.NAMESPACE).list().getItems();
  }

  @Test
  void createsLabelledRecordNamedBySequence() {
    RolloutRecordSpec spec = chain(1).get(0);

    boolean written = new RecordWriter(client).ensureWritten(rollout, spec);

    assertThat(written).isTrue();
    RolloutRecord record = stored().get(0);
    assertThat(record.getMetadata().getName()).isEqualTo("demo-00000001");
    assertThat(record.getMetadata().getLabels())
        .containsEntry(RolloutRecord.ROLLOUT_LABEL, Rollouts.NAME);
    assertThat(RecordHashing.sameContent(record.getSpec(), spec)).isTrue();
  }

  @Test
  void existingIdenticalRecordCountsAsWritten() {
    RolloutRecordSpec spec = chain(1).get(0);
    new RecordWriter(client).ensureWritten(rollout, spec);

    boolean again = new RecordWriter(client).ensureWritten(rollout, RecordHashing.copy(spec));

    assertThat(again).isTrue();
    assertThat(stored()).hasSize(1);
  }

  @Test
  void existingRecordWithOtherContentIsNotConfirmed() {
    RolloutRecordSpec spec = chain(1).get(0);
    RolloutRecordSpec forged = RecordHashing.copy(spec);
    forged.actor = "command/abort-1 by mallory";
    forged.hash = RecordHashing.hash(forged);
    new RecordWriter(client).ensureWritten(rollout, forged);

    boolean written = new RecordWriter(client).ensureWritten(rollout, spec);

    assertThat(written).isFalse();
    assertThat(stored().get(0).getSpec().actor).isEqualTo("command/abort-1 by mallory");
  }

  @Test
  void adoptContinuesFromNewestStoredRecord() {
    RecordWriter writer = new RecordWriter(client);
    List<RolloutRecordSpec> records = chain(4);
    records.forEach(spec -> writer.ensureWritten(rollout, spec));
    writer.deleteThrough(rollout, 1);

    RecordHistory history = new RecordWriter(client).adopt(rollout);

    assertThat(history.lastSequence).isEqualTo(4);
    assertThat(history.lastHash).isEqualTo(records.get(3).hash);
    assertThat(history.prunedThrough).isEqualTo(1);
  }

  @Test
  void adoptWithoutRecordsStartsEmpty() {
    RecordHistory history = new RecordWriter(client).adopt(rollout);

    assertThat(history.lastSequence).isZero();
    assertThat(history.lastHash).isNull();
    assertThat(history.prunedThrough).isNull();
  }

  @Test
  void deleteThroughRemovesOnlyOlderRecords() {
    RecordWriter writer = new RecordWriter(client);
    chain(5).forEach(spec -> writer.ensureWritten(rollout, spec));

    writer.deleteThrough(rollout, 2);
    new RecordWriter(client).deleteThrough(rollout, 3);

    assertThat(stored())
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("demo-00000004", "demo-00000005");
    assertThat(writer.stamps(rollout)).extracting(s -> s.sequence()).containsOnly(4L, 5L);
  }
}
