package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.analysisSpec;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import io.rearguard.testkit.Rollouts;
import org.junit.jupiter.api.Test;

/** A pod template that changes again mid-canary: a third revision, or back to stable. */
class RevisionChangeTest {
  private final MutableClock clock = new MutableClock();

  /** Returns canary rev-b running 2 of 10 pods in a 5-minute pause at step 2/3. */
  private Driver canaryAtTwentyPercent(Rollouts.Builder builder) {
    Driver driver =
        Driver.healthy(
            builder.replicas(10).steps(setWeight(20), pause("5m"), setWeight(50)).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    driver.pass();
    assertThat(driver.specReplicas("rev-a")).isEqualTo(8);
    return driver;
  }

  private Decision decideWith(Driver driver, Observations.Builder observation) {
    return RolloutDecider.decide(driver.rollout(), observation.build(), clock);
  }

  @Test
  void thirdRevisionSupersedesCanary() {
    Driver driver = canaryAtTwentyPercent(rollout());

    Decision decision = driver.changeTemplate("rev-c").pass();

    assertThat(decision.status().canaryRevision).isEqualTo("rev-c");
    assertThat(decision.status().currentStepIndex).isZero();
    assertThat(decision.status().stableRevision).isEqualTo("rev-a");
    assertThat(decision.transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.CANARY_SUPERSEDED);
  }

  @Test
  void supersededCanaryKeepsPodsUntilStableCovers() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.changeTemplate("rev-c");

    Decision decision =
        decideWith(
            driver, Observations.desired("rev-c").revision("rev-a", 8, 8).revision("rev-b", 2, 2));

    assertThat(decision.actions())
        .containsExactly(
            new Action.ScaleRevision("rev-a", 10), new Action.ScaleRevision("rev-c", 0));
  }

  @Test
  void supersededCanaryGoesToZeroOnceStableReady() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.changeTemplate("rev-c").pass();

    Decision decision =
        decideWith(
            driver,
            Observations.desired("rev-c")
                .revision("rev-a", 10, 10)
                .revision("rev-b", 2, 2)
                .revision("rev-c", 0, 0));

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-b", 0));
  }

  @Test
  void newCanaryWaitsForOldCanaryDrain() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.changeTemplate("rev-c").pass();

    Decision decision =
        decideWith(
            driver,
            Observations.desired("rev-c")
                .revision("rev-a", 10, 10)
                .revision("rev-b", 0, 2)
                .revision("rev-c", 0, 0));

    assertThat(decision.actions()).isEmpty();
  }

  @Test
  void newCanaryStartsAfterOldCanaryDrains() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.changeTemplate("rev-c").pass();

    Decision decision =
        decideWith(
            driver,
            Observations.desired("rev-c")
                .revision("rev-a", 10, 10)
                .revision("rev-b", 0, 0)
                .revision("rev-c", 0, 0));

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-c", 2));
  }

  @Test
  void supersedeServesAtMostTwoRevisions() {
    Driver driver = canaryAtTwentyPercent(rollout()).readyPerPass(1);

    driver.changeTemplate("rev-c");
    driver.runUntil(Driver::isHealthy, 200);

    assertThat(driver.status().stableRevision).isEqualTo("rev-c");
    assertThat(driver.maxServingRevisions()).isEqualTo(2);
    assertThat(driver.minReadyAfterActions()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void newTemplateAfterAbortStartsFreshCanary() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(2);

    Decision decision = driver.changeTemplate("rev-c").pass();

    assertThat(decision.status().abort).isNull();
    assertThat(decision.status().canaryRevision).isEqualTo("rev-c");
    assertThat(decision.transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.CANARY_STARTED, Reasons.REHEARSAL_PASSED);
  }

  @Test
  void revertToStableClearsCanary() {
    Driver driver = canaryAtTwentyPercent(rollout());

    Decision decision = driver.changeTemplate("rev-a").pass();

    assertThat(decision.status().canaryRevision).isNull();
    assertThat(decision.status().currentStepIndex).isNull();
    assertThat(decision.status().step).isNull();
    assertThat(decision.status().canaryWeight).isZero();
    assertThat(decision.actions()).contains(new Action.ScaleRevision("rev-a", 10));
  }

  @Test
  void revertReportsCanaryRevertedWarning() {
    Driver driver = canaryAtTwentyPercent(rollout());

    Decision decision = driver.changeTemplate("rev-a").pass();

    assertThat(decision.transitions()).hasSize(1);
    assertThat(decision.transitions().get(0).reason()).isEqualTo(Reasons.CANARY_REVERTED);
    assertThat(decision.transitions().get(0).warning()).isTrue();
  }

  @Test
  void revertEndsHealthyWithCanaryAtZero() {
    Driver driver = canaryAtTwentyPercent(rollout()).readyPerPass(1);

    driver.changeTemplate("rev-a");
    driver.runUntil(Driver::isHealthy, 50);

    assertThat(driver.specReplicas("rev-a")).isEqualTo(10);
    assertThat(driver.specReplicas("rev-b")).isZero();
    assertThat(driver.minReadyAfterActions()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void revertClearsAnalysisRuns() {
    Driver driver =
        canaryAtTwentyPercent(rollout().backgroundAnalysis(analysisSpec(metric("errors"))));
    driver.measureDueWith(due -> MeasurementOutcome.Successful).pass();
    assertThat(driver.status().analysis).isNotEmpty();

    driver.measureDueWith(null).changeTemplate("rev-a");
    driver.runUntil(Driver::isHealthy, 10);

    assertThat(driver.status().analysis).isEmpty();
  }

  @Test
  void revertOfAbortedCanaryClearsAbortWithRecord() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(2);

    Decision decision = driver.changeTemplate("rev-a").pass();

    assertThat(decision.status().abort).isNull();
    assertThat(decision.status().phase).isEqualTo(RolloutPhase.Healthy);
    assertThat(decision.transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.CANARY_REVERTED, Reasons.ROLLOUT_HEALTHY);
    assertThat(decision.transitions().get(0).message())
        .contains("Aborted canary", "abort is cleared");
    assertThat(decision.transitions().get(0).warning()).isFalse();
  }
}
