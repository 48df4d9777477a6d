package io.rearguard.e2e.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.e2e.demo.RolloutWatcher.StageFailure;
import io.rearguard.evidence.ChainVerifier;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Prints a Rollout's history from its RolloutRecords and verifies their hash chain with {@link
 * ChainVerifier}, the check behind {@code kubectl rearguard verify}.
 */
final class RecordReport {
  /** Time allowed for the operator to store the records that its status lists as pending. */
  private static final Duration PENDING_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Wait before a second check when the first finds a problem, because the operator may store a
   * record and drop it from the pending list between the two reads of one snapshot.
   */
  private static final Duration RECHECK_DELAY = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final ProgressView view;
  private final PrintStream out;
  private final String namespace;
  private final String rollout;

  RecordReport(
      KubernetesClient client,
      ProgressView view,
      PrintStream out,
      String namespace,
      String rollout) {
    this.client = client;
    this.view = view;
    this.out = out;
    this.namespace = namespace;
    this.rollout = rollout;
  }

  /** The stored records, in no order, and the chain position from the Rollout's status. */
  private record Snapshot(List<RolloutRecord> records, RecordHistory history) {}

  /**
   * Prints the records in sequence order, then verifies the chain.
   *
   * @throws StageFailure when there are no records or the chain is not intact
   */
  void printAndVerify(String stage) throws StageFailure, InterruptedException {
    Snapshot snapshot = awaitStored(stage);
    List<RolloutRecordSpec> specs =
        snapshot.records().stream()
            .map(RolloutRecord::getSpec)
            .filter(Objects::nonNull)
            .sorted(
                Comparator.comparing(
                    (RolloutRecordSpec spec) -> spec.sequence,
                    Comparator.nullsLast(Comparator.naturalOrder())))
            .toList();
    out.println();
    out.printf(
        "History of Rollout %s/%s from its %d RolloutRecords, in sequence order"
            + " (kubectl rearguard history %s -n %s lists them newest first):%n",
        namespace, rollout, specs.size(), rollout, namespace);
    out.printf("%4s  %-12s  %-20s  %-34s  %s%n", "SEQ", "TIME", "REASON", "ACTOR", "MESSAGE");
    specs.forEach(spec -> out.println(view.recordLine(spec)));
    if (specs.isEmpty()) {
      throw new StageFailure("Rollout " + namespace + "/" + rollout + " has no RolloutRecords");
    }

    ChainVerifier.Result result = verify(snapshot);
    if (!result.intact()) {
      Thread.sleep(RECHECK_DELAY.toMillis());
      result = verify(read());
    }
    out.println();
    if (result.intact()) {
      out.printf(
          "Chain verify: intact, %d records checked against each other and against"
              + " status.history (last sequence %d, pruned through %d, %d pending)%n",
          result.checked(), result.lastSequence(), result.prunedThrough(), result.pending());
      return;
    }
    ChainVerifier.Finding finding = result.finding().orElseThrow();
    String failure =
        String.format(
            "record %s (sequence %d): %s, %s",
            finding.record(), finding.sequence(), finding.kind(), finding.message());
    out.println("Chain verify: FAILED at " + failure);
    throw new StageFailure("chain verify failed at " + failure);
  }

  private ChainVerifier.Result verify(Snapshot snapshot) {
    return ChainVerifier.verify(rollout, snapshot.records(), snapshot.history());
  }

  /** Reads until the status lists no pending record, or until the time limit passes. */
  private Snapshot awaitStored(String stage) throws StageFailure, InterruptedException {
    Instant deadline = Instant.now().plus(PENDING_TIMEOUT);
    while (true) {
      Snapshot snapshot = read();
      if (snapshot.history() == null) {
        throw new StageFailure(
            "Rollout " + namespace + "/" + rollout + " has no status.history to verify against");
      }
      List<RolloutRecordSpec> pendingRecords = snapshot.history().pending;
      int pending = pendingRecords == null ? 0 : pendingRecords.size();
      if (pending == 0) {
        return snapshot;
      }
      if (!Instant.now().isBefore(deadline)) {
        out.printf(
            "%s  %d records are still pending after %d s; the verify counts them from the"
                + " status%n",
            stage, pending, PENDING_TIMEOUT.toSeconds());
        return snapshot;
      }
      Thread.sleep(250);
    }
  }

  /**
   * Reads the records, then the Rollout. The operator writes a record into the status before it
   * creates the RolloutRecord, so records read first are never newer than the status read after.
   */
  private Snapshot read() throws StageFailure {
    List<RolloutRecord> records =
        client
            .resources(RolloutRecord.class)
            .inNamespace(namespace)
            .withLabel(RolloutRecord.ROLLOUT_LABEL, rollout)
            .list()
            .getItems();
    Rollout found = client.resources(Rollout.class).inNamespace(namespace).withName(rollout).get();
    if (found == null) {
      throw new StageFailure("Rollout " + namespace + "/" + rollout + " not found");
    }
    RecordHistory history = found.getStatus() == null ? null : found.getStatus().history;
    return new Snapshot(records, history);
  }
}
