package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.CommandRef;
import io.rearguard.api.MetricEvidence;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.evidence.ChainVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.LongStream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;

/**
 * The end-of-drill checks that every fault drill makes on its lanes: each canary reached its
 * planned end, no accepted command was lost or executed twice, no promotion passed a failing
 * analysis, and each Rollout's record chain verifies with no gap.
 */
final class LaneChecks {
  /** Step text of the analysis step in {@link RolloutManifests#rollout}. */
  private static final String ANALYSIS_STEP = "2/4";

  private LaneChecks() {}

  /** Checks one lane after its run, collecting every failure in {@code softly}. */
  static void verifyLane(KubernetesClient client, DrillLane lane, SoftAssertions softly) {
    String namespace = lane.namespace();
    awaitRecordsStored(client, namespace);
    // Records first, then the Rollout: records read first are never newer than the status.
    List<RolloutRecord> records = RecordFixtures.records(client, namespace, NAME);
    Rollout rollout = client.resources(Rollout.class).inNamespace(namespace).withName(NAME).get();
    List<DrillLane.Canary> canaries = lane.finished();

    softly
        .assertThat(canaries)
        .as("%s: canaries that reached their planned end", namespace)
        .hasSameSizeAs(lane.plans());
    if (!canaries.isEmpty()) {
      DrillLane.Canary last = canaries.get(canaries.size() - 1);
      softly
          .assertThat(rollout.getStatus().phase)
          .as("%s: final phase", namespace)
          .isEqualTo(last.plan().aborts() ? RolloutPhase.Aborted : RolloutPhase.Healthy);
    }
    verifyChain(namespace, records, rollout, softly);
    for (DrillLane.Canary canary : canaries) {
      verifyCanary(namespace, canary, records, softly);
    }
    verifyGatingAnalysis(namespace, records, softly);
    for (String command : lane.commands()) {
      verifyCommand(client, namespace, command, records, rollout, softly);
    }
  }

  private static void awaitRecordsStored(KubernetesClient client, String namespace) {
    Awaitility.await(namespace + ": records stored")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              Rollout r =
                  client.resources(Rollout.class).inNamespace(namespace).withName(NAME).get();
              return r.getStatus().history != null && r.getStatus().history.pending.isEmpty();
            });
  }

  private static void verifyChain(
      String namespace, List<RolloutRecord> records, Rollout rollout, SoftAssertions softly) {
    ChainVerifier.Result chain = ChainVerifier.verify(NAME, records, rollout.getStatus().history);
    softly.assertThat(chain.finding()).as("%s: first bad record of the chain", namespace).isEmpty();
    softly
        .assertThat(records)
        .as("%s: record sequences, with no gap", namespace)
        .extracting(r -> r.getSpec().sequence)
        .containsExactlyElementsOf(
            LongStream.rangeClosed(1, rollout.getStatus().history.lastSequence).boxed().toList());
  }

  private static void verifyCanary(
      String namespace,
      DrillLane.Canary canary,
      List<RolloutRecord> records,
      SoftAssertions softly) {
    String subject = namespace + " canary " + canary.index() + " (" + canary.plan() + ")";
    softly
        .assertThat(withCanary(records, canary.revision(), "CanaryStarted"))
        .as("%s: CanaryStarted records", subject)
        .hasSize(1);
    if (canary.plan().aborts()) {
      softly
          .assertThat(canary.end().getStatus().stableRevision)
          .as("%s: stable revision after the abort", subject)
          .isEqualTo(canary.previousStable());
      softly
          .assertThat(canary.end().getStatus().abort.reason)
          .as("%s: abort reason", subject)
          .isEqualTo(
              canary.plan() == DrillLane.Plan.ABORTED_BY_ANALYSIS
                  ? "AnalysisFailed"
                  : "AbortCommand");
      softly
          .assertThat(withCanary(records, canary.revision(), "Promoted"))
          .as("%s: Promoted records", subject)
          .isEmpty();
    } else {
      softly
          .assertThat(withCanary(records, canary.revision(), "Promoted"))
          .as("%s: Promoted records", subject)
          .hasSize(1);
    }
    if (canary.plan() == DrillLane.Plan.ABORTED_BY_ANALYSIS) {
      softly
          .assertThat(withCanary(records, canary.revision(), "StepCompleted"))
          .as("%s: steps completed past the failing analysis", subject)
          .noneMatch(r -> ANALYSIS_STEP.equals(r.from.step));
    }
  }

  /**
   * Checks that every step the operator completed at the analysis step has evidence of an analysis
   * whose every metric run was Successful, so that none passed a Failed, Error, Inconclusive or
   * NoData run.
   */
  private static void verifyGatingAnalysis(
      String namespace, List<RolloutRecord> records, SoftAssertions softly) {
    for (RolloutRecord record : records) {
      RolloutRecordSpec spec = record.getSpec();
      boolean passedAnalysis =
          "StepCompleted".equals(spec.reason)
              && "operator".equals(spec.actor)
              && spec.from != null
              && ANALYSIS_STEP.equals(spec.from.step);
      if (!passedAnalysis) {
        continue;
      }
      List<MetricEvidence> metrics = spec.evidence == null ? null : spec.evidence.metrics;
      softly
          .assertThat(metrics)
          .as("%s: analysis evidence of %s", namespace, record.getMetadata().getName())
          .isNotEmpty()
          .allSatisfy(
              metric ->
                  softly
                      .assertThat(metric.phase)
                      .as("%s: analysis run behind %s", namespace, record.getMetadata().getName())
                      .isEqualTo("Successful"));
    }
  }

  private static void verifyCommand(
      KubernetesClient client,
      String namespace,
      String name,
      List<RolloutRecord> records,
      Rollout rollout,
      SoftAssertions softly) {
    RolloutCommand command =
        client.resources(RolloutCommand.class).inNamespace(namespace).withName(name).get();
    String subject = namespace + " command " + name;
    softly.assertThat(command).as("%s: still exists", subject).isNotNull();
    if (command == null) {
      return;
    }
    RolloutCommandStatus.Phase phase =
        command.getStatus() == null ? null : command.getStatus().phase;
    softly
        .assertThat(phase)
        .as("%s: result", subject)
        .isEqualTo(RolloutCommandStatus.Phase.Accepted);
    String actor = "command/" + name + " by " + RolloutManifests.ONCALL_USER;
    softly
        .assertThat(records)
        .as("%s: records of its execution", subject)
        .filteredOn(r -> actor.equals(r.getSpec().actor))
        .hasSize(1);
    List<CommandRef> remembered = rollout.getStatus().recentCommands;
    String uid = command.getMetadata().getUid();
    softly
        .assertThat(remembered)
        .as("%s: entries in status.recentCommands", subject)
        .filteredOn(ref -> uid.equals(ref.uid))
        .hasSize(1);
  }

  private static List<RolloutRecordSpec> withCanary(
      List<RolloutRecord> records, String revision, String reason) {
    return records.stream()
        .map(RolloutRecord::getSpec)
        .filter(spec -> reason.equals(spec.reason))
        .filter(spec -> spec.canary != null && Objects.equals(revision, spec.canary.revision))
        .toList();
  }
}
