package io.rearguard.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricEvidence;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Reasons;
import io.rearguard.decide.SpecValidator;
import io.rearguard.decide.StatusCopier;
import io.rearguard.decide.Transition;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordFactoryTest {
  private final MutableClock clock = new MutableClock();

  /** One pass with what the factory needs: the Rollout before it, the observation, the result. */
  private record Pass(Rollout before, Observation observation, Decision decision) {
    List<RolloutRecordSpec> records(List<ReplicaSet> replicaSets) {
      return RecordFactory.build(
          before,
          before.getStatus(),
          decision.status(),
          decision.transitions(),
          observation,
          replicaSets,
          MutableClock.START);
    }

    RolloutRecordSpec record(String reason) {
      return records(List.of()).stream()
          .filter(r -> r.reason.equals(reason))
          .findFirst()
          .orElseThrow();
    }
  }

  private Driver canaryWithAnalysis() {
    Rollout rollout =
        Rollouts.rollout()
            .steps(
                Rollouts.setWeight(20),
                Rollouts.analysis(Rollouts.metric("error-ratio")),
                Rollouts.setWeight(50),
                Rollouts.pauseIndefinitely())
            .build();
    Driver driver = Driver.healthy(rollout, "rev-1", clock);
    driver.changeTemplate("rev-2");
    return driver;
  }

  private static Pass passUntil(Driver driver, String reason) {
    for (int i = 0; i < 30; i++) {
      Rollout before = copy(driver.rollout());
      Observation observation = driver.nextObservation();
      Decision decision = driver.pass(observation);
      driver.advance(java.time.Duration.ofSeconds(5));
      if (decision.transitions().stream().anyMatch(t -> t.reason().equals(reason))) {
        return new Pass(before, observation, decision);
      }
    }
    throw new AssertionError("no " + reason + " transition; status " + driver.describe());
  }

  private static Rollout copy(Rollout rollout) {
    Rollout copy = Rollouts.rollout().build();
    copy.setMetadata(rollout.getMetadata());
    copy.setSpec(rollout.getSpec());
    copy.setStatus(StatusCopier.copy(rollout.getStatus()));
    return copy;
  }

  @Test
  void analysisFailureRecordCarriesMeasurementAndThreshold() {
    Driver driver = canaryWithAnalysis().measureDueWith(due -> MeasurementOutcome.Failed);

    Pass pass = passUntil(driver, Reasons.ANALYSIS_FAILED);
    RolloutRecordSpec record = pass.record(Reasons.ANALYSIS_FAILED);

    assertThat(record.actor).isEqualTo(Transition.OPERATOR);
    assertThat(record.evidence.message).isEqualTo(pass.decision().status().abort.message);
    MetricEvidence metric = record.evidence.metrics.get(0);
    assertThat(metric.metric).isEqualTo("error-ratio");
    assertThat(metric.phase).isEqualTo("Failed");
    assertThat(metric.outcome).isEqualTo("Failed");
    assertThat(metric.value).isEqualTo("0.9");
    assertThat(metric.query).contains("http_errors_total");
    assertThat(metric.threshold).isEqualTo("max 0.05");
    assertThat(metric.interval).isEqualTo("10s");
    assertThat(metric.counts).contains("1 failed");
    assertThat(record.to.phase).isEqualTo("Aborted");
    assertThat(record.from.phase).isEqualTo("Progressing");
  }

  @Test
  void stepPassedByAnalysisKeepsFinalCounts() {
    Driver driver = canaryWithAnalysis().measureDueWith(due -> MeasurementOutcome.Successful);
    passUntil(driver, Reasons.STEP_COMPLETED);

    Pass pass = passUntil(driver, Reasons.STEP_COMPLETED);
    RolloutRecordSpec record = pass.record(Reasons.STEP_COMPLETED);

    assertThat(record.message).contains("analysis passed");
    MetricEvidence metric = record.evidence.metrics.get(0);
    assertThat(metric.counts).startsWith("3 successful").contains("of 3");
    assertThat(metric.phase).isEqualTo("Successful");
    assertThat(metric.stepIndex).isEqualTo(1);
  }

  @Test
  void weightStepRecordHasNoEvidence() {
    Driver driver = canaryWithAnalysis();

    RolloutRecordSpec record = passUntil(driver, Reasons.CANARY_STARTED).record("CanaryStarted");

    assertThat(record.evidence).isNull();
    assertThat(record.to.step).isEqualTo("1/4");
  }

  @Test
  void commandRecordNamesRequesterAndHasNoEvidence() {
    Driver driver = canaryWithAnalysis().measureDueWith(due -> MeasurementOutcome.Successful);
    passUntil(driver, Reasons.CANARY_STARTED);
    driver.command(RolloutCommandSpec.Action.ABORT, "latency alarm", "oncall-alice");

    RolloutRecordSpec record = passUntil(driver, Reasons.ABORT_COMMAND).record("AbortCommand");

    assertThat(record.actor).isEqualTo("command/abort-1 by oncall-alice");
    assertThat(record.evidence).isNull();
    assertThat(record.message).contains("latency alarm");
  }

  @Test
  void rejectedCommandIsRecorded() {
    Driver driver = canaryWithAnalysis();
    passUntil(driver, Reasons.CANARY_STARTED);
    driver.command(RolloutCommandSpec.Action.RETRY, "try again", "oncall-alice");

    RolloutRecordSpec record =
        passUntil(driver, Reasons.COMMAND_REJECTED).record(Reasons.COMMAND_REJECTED);

    assertThat(record.actor).isEqualTo("command/retry-1 by oncall-alice");
    assertThat(record.message).contains("rejected").contains("not aborted");
  }

  @Test
  void revisionsCarryImagesFromTemplateAndReplicaSet() {
    Driver driver = canaryWithAnalysis();
    Pass pass = passUntil(driver, Reasons.CANARY_STARTED);
    Rollout rollout = pass.before();
    ReplicaSet stable =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("demo-rev-1")
            .withLabels(Map.of(SpecValidator.REVISION_LABEL, "rev-1"))
            .addNewOwnerReference()
            .withUid(rollout.getMetadata().getUid())
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withTemplate(Rollouts.template("registry.local/demo:1"))
            .endSpec()
            .build();

    RolloutRecordSpec record = pass.records(List.of(stable)).get(0);

    assertThat(record.stable.revision).isEqualTo("rev-1");
    assertThat(record.stable.images).containsExactly("registry.local/demo:1");
    assertThat(record.canary.revision).isEqualTo("rev-2");
    assertThat(record.canary.images).containsExactly("registry.local/rev-2");
    assertThat(record.rollout).isEqualTo(Rollouts.NAME);
    assertThat(record.rolloutUid).isEqualTo(rollout.getMetadata().getUid());
    assertThat(record.time).isEqualTo(MutableClock.START.toString());
  }

  @Test
  void promotionRecordNamesPromotedCanary() {
    Driver driver = canaryWithAnalysis().measureDueWith(due -> MeasurementOutcome.Successful);
    passUntil(driver, Reasons.PAUSED_BY_STEP);
    driver.command(RolloutCommandSpec.Action.PROMOTE, "looks good", "oncall-alice");

    RolloutRecordSpec record = passUntil(driver, Reasons.PROMOTED).record(Reasons.PROMOTED);

    assertThat(record.stable.revision).isEqualTo("rev-2");
    assertThat(record.canary.revision).isEqualTo("rev-2");
  }
}
