package io.rearguard.act;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.evidence.RecordHashing;
import io.rearguard.evidence.RecordStore;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores RolloutRecords through the API server. Creating is idempotent: a record that already
 * exists with the same content counts as written. The operator may create, read and delete records,
 * and an admission policy rejects every update.
 */
public class RecordWriter implements RecordStore {
  private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);

  /** Upper bound of remembered names, so a long-running operator cannot grow without limit. */
  private static final int MAX_REMEMBERED = 10_000;

  private final KubernetesClient client;
  private final Map<String, String> confirmedHashes = new ConcurrentHashMap<>();
  private final Map<String, Long> deletedThrough = new ConcurrentHashMap<>();
  private final Map<String, String> reportedConflicts = new ConcurrentHashMap<>();

  public RecordWriter(KubernetesClient client) {
    this.client = client;
  }

  private MixedOperation<
          RolloutRecord, KubernetesResourceList<RolloutRecord>, Resource<RolloutRecord>>
      records() {
    return client.resources(RolloutRecord.class);
  }

  @Override
  public RecordHistory adopt(Rollout rollout) {
    RecordHistory history = new RecordHistory();
    List<RolloutRecordSpec> stored = list(rollout);
    Optional<RolloutRecordSpec> newest =
        stored.stream().max(Comparator.comparingLong(spec -> spec.sequence));
    if (newest.isEmpty()) {
      return history;
    }
    long oldest = stored.stream().mapToLong(spec -> spec.sequence).min().orElse(1);
    history.lastSequence = newest.get().sequence;
    history.lastHash = newest.get().hash;
    history.prunedThrough = oldest > 1 ? oldest - 1 : null;
    // NOTE: the existing chain is taken as found; `kubectl rearguard verify` checks it.
    LOG.info(
        "continuing the chain of {} existing RolloutRecords of {} at sequence {}",
        stored.size(),
        rollout.getMetadata().getName(),
        history.lastSequence);
    return history;
  }

  @Override
  public boolean ensureWritten(Rollout rollout, RolloutRecordSpec record) {
    String namespace = rollout.getMetadata().getNamespace();
    String name = RolloutRecord.name(record.rollout, record.sequence);
    String key = namespace + "/" + name;
    if (record.hash.equals(confirmedHashes.get(key))) {
      return true;
    }
    try {
      records().inNamespace(namespace).resource(build(namespace, name, record)).create();
      remember(key, record.hash);
      LOG.debug("created RolloutRecord {} ({})", name, record.reason);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return compareExisting(namespace, name, key, record);
      }
      LOG.warn(
          "could not create RolloutRecord {}: {}; it stays pending in the Rollout's status and"
              + " is retried",
          name,
          e.getMessage());
      return false;
    }
  }

  private boolean compareExisting(
      String namespace, String name, String key, RolloutRecordSpec record) {
    RolloutRecord existing;
    try {
      existing = records().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      LOG.warn("could not read RolloutRecord {}: {}; retrying later", name, e.getMessage());
      return false;
    }
    if (existing != null && RecordHashing.sameContent(existing.getSpec(), record)) {
      remember(key, record.hash);
      return true;
    }
    if (!record.hash.equals(reportedConflicts.put(key, record.hash))) {
      LOG.error(
          "RolloutRecord {} exists with other content than the operator's record {} of hash {};"
              + " the operator's copy stays pending in the Rollout's status, and verify reports"
              + " the stored one",
          name,
          record.reason,
          record.hash);
    }
    return false;
  }

  /**
   * Builds the resource. It has no owner reference, so the evidence outlives a deleted Rollout, but
   * retention then no longer applies to it.
   */
  private static RolloutRecord build(String namespace, String name, RolloutRecordSpec spec) {
    RolloutRecord record = new RolloutRecord();
    record.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(Map.of(RolloutRecord.ROLLOUT_LABEL, spec.rollout))
            .build());
    record.setSpec(RecordHashing.copy(spec));
    return record;
  }

  private void remember(String key, String hash) {
    if (confirmedHashes.size() >= MAX_REMEMBERED) {
      confirmedHashes.clear();
    }
    confirmedHashes.put(key, hash);
  }

  @Override
  public void forget(Rollout rollout, RolloutRecordSpec record) {
    String name = RolloutRecord.name(record.rollout, record.sequence);
    confirmedHashes.remove(rollout.getMetadata().getNamespace() + "/" + name);
  }

  @Override
  public List<Stamp> stamps(Rollout rollout) {
    List<Stamp> stamps = new ArrayList<>();
    for (RolloutRecordSpec spec : list(rollout)) {
      stamps.add(new Stamp(spec.sequence, parseTime(spec.time)));
    }
    return stamps;
  }

  @Override
  public void deleteThrough(Rollout rollout, long through) {
    String namespace = rollout.getMetadata().getNamespace();
    String name = rollout.getMetadata().getName();
    String key = namespace + "/" + name;
    Long done = deletedThrough.get(key);
    if (done != null && done >= through) {
      return;
    }
    List<Long> sequences = new ArrayList<>();
    if (done == null) {
      list(rollout).stream()
          .filter(spec -> spec.sequence <= through)
          .forEach(spec -> sequences.add(spec.sequence));
    } else {
      for (long sequence = done + 1; sequence <= through; sequence++) {
        sequences.add(sequence);
      }
    }
    try {
      for (long sequence : sequences) {
        records().inNamespace(namespace).withName(RolloutRecord.name(name, sequence)).delete();
      }
      deletedThrough.put(key, through);
      if (!sequences.isEmpty()) {
        LOG.info(
            "deleted {} RolloutRecords of {} up to sequence {}", sequences.size(), name, through);
      }
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not delete old RolloutRecords of {}: {}; retrying later", name, e.getMessage());
    }
  }

  private List<RolloutRecordSpec> list(Rollout rollout) {
    return records()
        .inNamespace(rollout.getMetadata().getNamespace())
        .withLabel(RolloutRecord.ROLLOUT_LABEL, rollout.getMetadata().getName())
        .list()
        .getItems()
        .stream()
        .map(RolloutRecord::getSpec)
        .filter(spec -> spec != null && spec.sequence != null)
        .toList();
  }

  private static Instant parseTime(String time) {
    try {
      return time == null ? null : Instant.parse(time);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
