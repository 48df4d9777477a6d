package io.rearguard.decide;

import static io.rearguard.api.RolloutCommandSpec.Action.ABORT;
import static io.rearguard.api.RolloutCommandSpec.Action.PAUSE;
import static io.rearguard.api.RolloutCommandSpec.Action.PROMOTE;
import static io.rearguard.api.RolloutCommandSpec.Action.PROMOTE_FULL;
import static io.rearguard.api.RolloutCommandSpec.Action.RESUME;
import static io.rearguard.api.RolloutCommandSpec.Action.RETRY;
import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which commands each phase accepts, and what an accepted command does. */
class CommandRulesTest {
  private final MutableClock clock = new MutableClock();

  private Driver healthy() {
    return Driver.healthy(rollout().build(), "rev-a", clock);
  }

  /** Returns canary rev-b in a 5-minute pause at step 2/3, phase Progressing. */
  private Driver progressing() {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), pause("5m"), setWeight(50)).build(), "rev-a", clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    return driver;
  }

  /** Returns canary rev-b held by a pause step without a duration at step 2/3. */
  private Driver pausedByStep() {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), pauseIndefinitely(), setWeight(50)).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    return driver;
  }

  private Driver pausedByCommand() {
    Driver driver = progressing();
    driver.command(PAUSE);
    driver.pass();
    return driver;
  }

  private Driver aborted() {
    Driver driver = progressing();
    driver.command(ABORT);
    driver.pass();
    return driver;
  }

  /** Returns canary rev-b past its last step, waiting for its 10 pods to be ready. */
  private Driver promoting() {
    Driver driver =
        Driver.healthy(rollout().replicas(10).steps(setWeight(20)).build(), "rev-a", clock);
    driver.readyPerPass(1).changeTemplate("rev-b");
    driver.run(3);
    return driver;
  }

  private Driver fixture(String name) {
    Driver driver =
        switch (name) {
          case "Healthy" -> healthy();
          case "Progressing" -> progressing();
          case "PausedByStep" -> pausedByStep();
          case "PausedByCommand" -> pausedByCommand();
          case "Aborted" -> aborted();
          case "Promoting" -> promoting();
          default -> throw new IllegalArgumentException("unknown fixture " + name);
        };
    assertThat(driver.status().phase.name()).isEqualTo(expectedPhase(name));
    return driver;
  }

  private static String expectedPhase(String fixture) {
    return switch (fixture) {
      case "PausedByStep", "PausedByCommand" -> "Paused";
      case "Promoting" -> "Progressing";
      default -> fixture;
    };
  }

  @ParameterizedTest(name = "{1} in {0} is {2}")
  @CsvSource({
    "Progressing, ABORT, Accepted, canary rev-b aborted",
    "PausedByStep, ABORT, Accepted, canary rev-b aborted",
    "PausedByCommand, ABORT, Accepted, canary rev-b aborted",
    "Promoting, ABORT, Accepted, canary rev-b aborted",
    "Healthy, ABORT, Rejected, nothing to abort",
    "Aborted, ABORT, Rejected, nothing to abort",
    "Progressing, PROMOTE, Accepted, step 2/3 skipped",
    "PausedByStep, PROMOTE, Accepted, step 2/3 skipped",
    "Healthy, PROMOTE, Rejected, nothing to promote",
    "Aborted, PROMOTE, Rejected, nothing to promote",
    "Promoting, PROMOTE, Rejected, already being promoted",
    "Progressing, PROMOTE_FULL, Accepted, remaining steps skipped",
    "PausedByStep, PROMOTE_FULL, Accepted, remaining steps skipped",
    "Healthy, PROMOTE_FULL, Rejected, nothing to promote",
    "Aborted, PROMOTE_FULL, Rejected, nothing to promote",
    "Promoting, PROMOTE_FULL, Rejected, already being promoted",
    "Progressing, PAUSE, Accepted, paused at step 2/3",
    "Healthy, PAUSE, Rejected, nothing to pause",
    "Aborted, PAUSE, Rejected, nothing to pause",
    "PausedByStep, PAUSE, Rejected, already paused (PausedByStep)",
    "PausedByCommand, PAUSE, Rejected, already paused (PausedByCommand)",
    "PausedByCommand, RESUME, Accepted, resumed at step 2/3",
    "Healthy, RESUME, Rejected, nothing to resume",
    "Progressing, RESUME, Rejected, nothing to resume",
    "Aborted, RESUME, Rejected, nothing to resume",
    "PausedByStep, RESUME, Rejected, use promote to continue",
    "Aborted, RETRY, Accepted, canary rev-b restarted at step 1/3",
    "Healthy, RETRY, Rejected, nothing to retry",
    "Progressing, RETRY, Rejected, nothing to retry",
  })
  void commandResultDependsOnPhase(
      String fixture,
      RolloutCommandSpec.Action action,
      RolloutCommandStatus.Phase expected,
      String messagePart) {
    Driver driver = fixture(fixture);
    String name = driver.command(action);

    driver.pass();

    assertThat(driver.completed(name).phase()).isEqualTo(expected);
    assertThat(driver.completed(name).message()).contains(messagePart);
  }

  @Test
  void rejectedCommandLeavesStatusUnchanged() {
    Driver driver = pausedByStep();
    driver.command(RESUME);

    Decision decision = driver.pass();

    assertThat(decision.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_STEP);
    assertThat(decision.status().currentStepIndex).isEqualTo(1);
    assertThat(decision.actions()).noneMatch(a -> a instanceof Action.ScaleRevision);
  }

  @Test
  void rejectedCommandReportsWarning() {
    Driver driver = healthy();
    driver.command(PROMOTE);

    Decision decision = driver.pass();

    assertThat(decision.transitions()).hasSize(1);
    assertThat(decision.transitions().get(0).reason()).isEqualTo(Reasons.COMMAND_REJECTED);
    assertThat(decision.transitions().get(0).warning()).isTrue();
  }

  @Test
  void promoteSkipsOneStep() {
    Driver driver = progressing();
    driver.command(PROMOTE, "looks good", "bob");

    driver.pass();

    assertThat(driver.status().currentStepIndex).isEqualTo(2);
    assertThat(driver.status().canaryWeight).isEqualTo(50);
    assertThat(driver.status().lastDecision.actor).endsWith(" by bob");
  }

  @Test
  void promoteFullSkipsToFullPromotion() {
    Driver driver = progressing();
    driver.command(PROMOTE_FULL);

    Decision decision = driver.pass();

    assertThat(decision.status().currentStepIndex).isEqualTo(3);
    assertThat(decision.status().canaryWeight).isEqualTo(100);
    assertThat(decision.actions()).contains(new Action.ScaleRevision("rev-b", 10));
  }

  @Test
  void promoteFullEndsHealthyOnCanary() {
    Driver driver = progressing();
    driver.command(PROMOTE_FULL);

    driver.runUntil(Driver::isHealthy, 10);

    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
  }

  @Test
  void pauseCommandHoldsTimedPause() {
    Driver driver = pausedByCommand();

    driver.advance(Duration.ofMinutes(10)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_COMMAND);
    assertThat(driver.status().currentStepIndex).isEqualTo(1);
  }

  @Test
  void resumeLiftsCommandPause() {
    Driver driver = pausedByCommand();
    driver.command(RESUME);

    driver.pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(driver.status().pauseReason).isNull();
    assertThat(driver.status().pauseStartTime).isNull();
  }

  @Test
  void resumeAfterInconclusiveAnalysisMeasuresAgain() {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), analysis(metric("errors")), setWeight(50)).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    driver.queueMeasurement(
        Observations.stepMeasurement(
            "errors", 1, MeasurementOutcome.Inconclusive, clock.instant()));
    driver.pass();
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.INCONCLUSIVE_ANALYSIS);

    driver.command(RESUME);
    driver.pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(driver.status().analysis).isEmpty();
    assertThat(AnalysisSchedule.due(driver.rollout().getSpec(), driver.status(), clock.instant()))
        .extracting(due -> due.metric().name)
        .containsExactly("errors");
  }

  @Test
  void resumedAnalysisPassesOnNewMeasurements() {
    Driver driver =
        Driver.healthy(
            rollout().steps(setWeight(20), analysis(metric("errors")), setWeight(50)).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    driver.queueMeasurement(
        Observations.stepMeasurement(
            "errors", 1, MeasurementOutcome.Inconclusive, clock.instant()));
    driver.pass();
    driver.command(RESUME);
    driver.pass();

    driver.measureDueWith(due -> MeasurementOutcome.Successful);
    driver.runUntil(d -> d.status().currentStepIndex == 2, 20);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }

  @Test
  void retryRestartsAbortedCanaryAtFirstStep() {
    Driver driver = aborted();
    driver.run(2);
    assertThat(driver.specReplicas("rev-b")).isZero();
    driver.command(RETRY);

    Decision decision = driver.pass();

    assertThat(decision.status().abort).isNull();
    assertThat(decision.status().canaryRevision).isEqualTo("rev-b");
    assertThat(decision.status().currentStepIndex).isZero();
    assertThat(decision.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(decision.actions()).contains(new Action.ScaleRevision("rev-b", 2));
  }
}
