package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutRecord;
import io.rearguard.evidence.ChainVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

/** Checks shared by the fault drills: the record chain, commands and the operator's health. */
final class DrillChecks {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private DrillChecks() {}

  /**
   * Checks that every record decided so far is stored, numbered 1..n without a gap, and that the
   * chain verifies against the Rollout's status.history.
   *
   * @return the records, by sequence
   */
  static List<RolloutRecord> assertChainIntact(OperatorStack env, String namespace, String name) {
    Rollout settled = RecordFixtures.awaitRecordsStored(env, namespace, name);
    List<RolloutRecord> records = RecordFixtures.records(env.client, namespace, name);
    assertThat(records)
        .as("record sequences of %s/%s", namespace, name)
        .extracting(r -> r.getSpec().sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, records.size()).boxed().toList());
    assertThat(settled.getStatus().history.lastSequence)
        .as("status.history.lastSequence of %s/%s", namespace, name)
        .isEqualTo(records.size());
    ChainVerifier.Result result =
        ChainVerifier.verify(name, records, env.rollout(namespace, name).getStatus().history);
    assertThat(result.intact()).as("chain of %s/%s: %s", namespace, name, result).isTrue();
    return records;
  }

  /**
   * Checks that a command was accepted and executed once: exactly one record names it as actor, and
   * the Rollout lists it once among its recent commands.
   */
  static void assertExecutedOnce(
      OperatorStack env, String namespace, String rollout, String command) {
    RolloutCommandStatus status = env.command(namespace, command).getStatus();
    assertThat(status).as("status of command %s", command).isNotNull();
    assertThat(status.phase)
        .as("phase of command %s", command)
        .isEqualTo(RolloutCommandStatus.Phase.Accepted);
    List<RolloutRecord> records = RecordFixtures.records(env.client, namespace, rollout);
    assertThat(records)
        .as("records whose actor is command %s", command)
        .filteredOn(r -> r.getSpec().actor.startsWith("command/" + command + " "))
        .hasSize(1);
    assertThat(env.rollout(namespace, rollout).getStatus().recentCommands)
        .as("recent commands of %s/%s", namespace, rollout)
        .filteredOn(c -> command.equals(c.name))
        .hasSize(1);
  }

  /** Checks that the operator process runs and that its /healthz returns 200. */
  static void assertOperatorHealthy(OperatorStack env) throws IOException, InterruptedException {
    assertThat(ProcessHandle.of(env.operator.pid()).map(ProcessHandle::isAlive))
        .as("operator process %d alive", env.operator.pid())
        .contains(true);
    URI healthz = URI.create("http://127.0.0.1:" + env.stack.operatorPort() + "/healthz");
    HttpResponse<Void> response =
        HTTP.send(
            HttpRequest.newBuilder(healthz).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(response.statusCode()).as("GET %s", healthz).isEqualTo(200);
  }
}
