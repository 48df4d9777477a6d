package io.rearguard.cli;

import io.rearguard.evidence.ChainVerifier;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "verify",
    description =
        "Check the hash chain of a Rollout's records against the Rollout's status. Exits 1 and"
            + " names the first altered, removed or inserted record when the chain is broken.")
final class VerifyCommand extends ClusterCommand {
  /**
   * Wait before a second read when the first finds a problem: the operator may have stored a record
   * and dropped it from the status's pending list between the two reads of one snapshot.
   */
  static final Duration RECHECK_DELAY = Duration.ofSeconds(2);

  @Parameters(index = "0", paramLabel = "NAME", description = "Name of the Rollout.")
  String rollout;

  @Override
  int run(Session session) throws InterruptedException {
    ChainVerifier.Result result = check(session);
    if (!result.intact()) {
      Thread.sleep(RECHECK_DELAY.toMillis());
      result = check(session);
    }
    if (result.intact()) {
      out().println(VerifyView.render(rollout, result));
      return 0;
    }
    err().println(VerifyView.render(rollout, result));
    return RearguardCli.FAILED;
  }

  private ChainVerifier.Result check(Session session) {
    RecordReader.Snapshot snapshot = RecordReader.read(session, rollout);
    return ChainVerifier.verify(rollout, snapshot.records(), snapshot.history());
  }

  @Override
  String subject(Session session) {
    return "Rollout " + session.namespace() + "/" + rollout;
  }
}
