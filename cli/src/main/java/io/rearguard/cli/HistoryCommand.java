package io.rearguard.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "history",
    description = "List a Rollout's records (RolloutRecords), newest first, with their evidence.")
final class HistoryCommand extends ClusterCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "Name of the Rollout.")
  String rollout;

  @Override
  int run(Session session) {
    RecordReader.Snapshot snapshot = RecordReader.read(session, rollout);
    out().print(HistoryView.render(rollout, snapshot.records(), snapshot.history()));
    return 0;
  }

  @Override
  String subject(Session session) {
    return "Rollout " + session.namespace() + "/" + rollout;
  }
}
