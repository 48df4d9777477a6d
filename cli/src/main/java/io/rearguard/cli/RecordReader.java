package io.rearguard.cli;

import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecord;
import java.util.List;

/**
 * Reads a Rollout's records and then the Rollout. The operator writes a record into the Rollout's
 * status before it creates the RolloutRecord, so records read first are never newer than the status
 * read after them.
 */
final class RecordReader {
  private RecordReader() {}

  /**
   * The records of a Rollout and the chain position from its status.
   *
   * @param records the stored records, in no order
   * @param history the Rollout's status.history, null when the status has none
   */
  record Snapshot(List<RolloutRecord> records, RecordHistory history) {}

  static Snapshot read(Session session, String rollout) {
    List<RolloutRecord> records =
        session
            .client()
            .resources(RolloutRecord.class)
            .inNamespace(session.namespace())
            .withLabel(RolloutRecord.ROLLOUT_LABEL, rollout)
            .list()
            .getItems();
    Rollout found =
        session
            .client()
            .resources(Rollout.class)
            .inNamespace(session.namespace())
            .withName(rollout)
            .get();
    if (found == null) {
      throw new CliFailure(
          "Rollout "
              + session.namespace()
              + "/"
              + rollout
              + " not found; check the name and the namespace (-n)"
              + (records.isEmpty() ? "" : ". " + records.size() + " records of that name remain"));
    }
    RecordHistory history = found.getStatus() == null ? null : found.getStatus().history;
    return new Snapshot(records, history);
  }
}
