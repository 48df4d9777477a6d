package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static io.rearguard.testkit.SignalSpecs.rehearsal;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import org.junit.jupiter.api.Test;

/**
 * Rollback rehearsals of a rollout with 10 replicas whose canary goes to 20% (2 pods) and then
 * waits at an indefinite pause. Each pass moves the clock by 5 s and makes requested pods ready.
 */
class RehearsalRulesTest {
  private final MutableClock clock = new MutableClock();

  private static Rollouts.Builder pausing() {
    return rollout().replicas(10).steps(setWeight(20), pauseIndefinitely());
  }

  /** Returns a driver whose rev-a is healthy and whose template has just changed to rev-b. */
  private Driver newRevision(Rollouts.Builder builder) {
    Driver driver = Driver.healthy(builder.build(), "rev-a", clock);
    driver.changeTemplate("rev-b");
    return driver;
  }

  /**
   * Returns a driver whose stable rev-a has 10 ready pods of the 12 it needs after replicas grew,
   * and which never gets more, and whose template has just changed to rev-b.
   */
  private Driver newRevisionWithShortStable(RehearsalSpec settings) {
    Driver driver = Driver.healthy(pausing().rehearsal(settings).build(), "rev-a", clock);
    driver.neverReady("rev-a");
    driver.rollout().getSpec().replicas = 12;
    driver.changeTemplate("rev-b");
    return driver;
  }

  private static Condition rehearsed(Driver driver) {
    return Conditions.find(driver.status().conditions, Reasons.ROLLBACK_REHEARSED).orElseThrow();
  }

  @Test
  void absentRehearsalVerifiesReadyStable() {
    // given a rollout without spec.rehearsal and a fully ready stable revision
    Driver driver = newRevision(pausing());

    // when the canary starts
    driver.pass();

    // then the checks pass at once in Verify mode
    assertThat(driver.status().rehearsal.mode).isEqualTo(RehearsalSpec.Mode.Verify);
    assertThat(driver.status().rehearsal.phase).isEqualTo("Passed");
    assertThat(driver.status().rehearsal.seconds).isZero();
    assertThat(rehearsed(driver).getStatus()).isEqualTo("True");
    assertThat(rehearsed(driver).getReason()).isEqualTo(Reasons.REHEARSAL_PASSED);
  }

  @Test
  void offModeSkipsRehearsal() {
    Driver driver = newRevision(pausing().rehearsal(rehearsal(RehearsalSpec.Mode.Off, 60)));

    driver.run(2);

    assertThat(driver.status().rehearsal.phase).isEqualTo("Skipped");
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(2);
  }

  @Test
  void checksWaitUntilMaxRollbackSeconds() {
    // given a stable revision short of ready pods and 30 s to get them
    Driver driver = newRevisionWithShortStable(rehearsal(RehearsalSpec.Mode.Verify, 30));

    // when 30 s pass
    driver.run(7);

    // then the rehearsal is still checking and the canary has no pods
    assertThat(driver.status().rehearsal.phase).isEqualTo("Checking");
    assertThat(driver.status().pauseReason).isNull();
    assertThat(driver.specReplicas("rev-b")).isZero();
  }

  @Test
  void checksFailingPastMaxRollbackSecondsHaltRollout() {
    // given a stable revision short of ready pods and 30 s to get them
    Driver driver = newRevisionWithShortStable(rehearsal(RehearsalSpec.Mode.Verify, 30));

    // when more than 30 s pass
    driver.run(8);

    // then the rollout is Paused with RehearsalFailed before any traffic moved
    assertThat(driver.status().rehearsal.phase).isEqualTo("Failed");
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.REHEARSAL_FAILED);
    assertThat(driver.specReplicas("rev-b")).isZero();
  }

  @Test
  void failedCheckIsNamedInCondition() {
    Driver driver = newRevisionWithShortStable(rehearsal(RehearsalSpec.Mode.Verify, 30));

    driver.run(8);

    assertThat(rehearsed(driver).getStatus()).isEqualTo("False");
    assertThat(rehearsed(driver).getReason()).isEqualTo(Reasons.REHEARSAL_FAILED);
    assertThat(rehearsed(driver).getMessage())
        .contains("stable revision has 12 ready pods (it has 10)");
  }

  @Test
  void drillSurgesStableByFirstStepCanaryPods() {
    // given a drill before a first step of 20% of 10 replicas
    Driver driver = newRevision(pausing().rehearsal(rehearsal(RehearsalSpec.Mode.Drill, 60)));

    // when the canary starts
    driver.pass();

    // then the stable revision is asked for the 2 pods that a rollback would give it back
    assertThat(driver.status().rehearsal.phase).isEqualTo("Drilling");
    assertThat(driver.status().rehearsal.surge).isEqualTo(2);
    assertThat(driver.specReplicas("rev-a")).isEqualTo(12);
    assertThat(driver.specReplicas("rev-b")).isZero();
  }

  @Test
  void drillRecordsSecondsUntilSurgeReady() {
    // given a drill whose surge pods become ready within one 5 s pass
    Driver driver = newRevision(pausing().rehearsal(rehearsal(RehearsalSpec.Mode.Drill, 60)));
    driver.step();

    // when the next pass observes them ready
    driver.pass();

    // then the drill passed and recorded 5 s as the time-to-rollback
    assertThat(driver.status().rehearsal.phase).isEqualTo("Passed");
    assertThat(driver.status().rehearsal.seconds).isEqualTo(5.0);
    assertThat(driver.transitionReasons()).contains(Reasons.REHEARSAL_PASSED);
  }

  @Test
  void drillWithdrawsSurgeAfterPassing() {
    Driver driver = newRevision(pausing().rehearsal(rehearsal(RehearsalSpec.Mode.Drill, 60)));
    driver.step();

    driver.run(3);

    assertThat(driver.status().rehearsal.surge).isNull();
    assertThat(driver.specReplicas("rev-a")).isEqualTo(8);
    assertThat(driver.specReplicas("rev-b")).isEqualTo(2);
  }

  @Test
  void canaryGetsNoPodsBeforeRehearsalPassed() {
    // given a drill whose surge pods become ready one per pass
    Driver driver =
        newRevision(pausing().rehearsal(rehearsal(RehearsalSpec.Mode.Drill, 60))).readyPerPass(1);

    // when the drill runs, the canary is never asked for a pod until it passed
    for (int i = 0; i < 6 && !"Passed".equals(phaseOf(driver)); i++) {
      driver.step();
      if (!"Passed".equals(phaseOf(driver))) {
        assertThat(driver.specReplicas("rev-b")).isZero();
      }
    }

    // then the drill passed and the canary gets its pods afterwards
    assertThat(phaseOf(driver)).isEqualTo("Passed");
    driver.run(3);
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(2);
  }

  private static String phaseOf(Driver driver) {
    return driver.status() == null || driver.status().rehearsal == null
        ? null
        : driver.status().rehearsal.phase;
  }

  @Test
  void slowDrillFailsAndHalts() {
    // given surge pods that never become ready and 10 s allowed
    Driver driver = newRevision(pausing().rehearsal(rehearsal(RehearsalSpec.Mode.Drill, 10)));
    driver.neverReady("rev-a");

    // when more than 10 s pass
    driver.run(5);

    // then the drill failed, the surge is withdrawn and the canary has no pods
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.REHEARSAL_FAILED);
    var checks = driver.status().rehearsal.checks;
    assertThat(checks.get(checks.size() - 1)).startsWith("FAILED drill");
    assertThat(driver.specReplicas("rev-a")).isEqualTo(10);
    assertThat(driver.specReplicas("rev-b")).isZero();
  }

  @Test
  void resumeRestartsFailedRehearsal() {
    // given a rehearsal that failed because the stable revision was short of ready pods
    Driver driver = newRevisionWithShortStable(rehearsal(RehearsalSpec.Mode.Verify, 30));
    driver.run(8);

    // when the shortage is fixed and a person resumes
    driver.rollout().getSpec().replicas = 10;
    driver.command(RolloutCommandSpec.Action.RESUME);
    driver.run(3);

    // then a second rehearsal passes and the canary receives its pods
    assertThat(driver.status().rehearsal.count).isEqualTo(2);
    assertThat(driver.status().rehearsal.phase).isEqualTo("Passed");
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(2);
  }

  @Test
  void repeatEveryRehearsesDuringIndefinitePause() {
    // given a Verify rehearsal repeated every minute
    RehearsalSpec settings = rehearsal(RehearsalSpec.Mode.Verify, 60);
    settings.repeatEvery = "1m";
    Driver driver = newRevision(pausing().rehearsal(settings));

    // when the canary waits at its indefinite pause for two and a half minutes
    driver.run(31);

    // then it was rehearsed twice more and still waits with its traffic
    assertThat(driver.status().rehearsal.count).isEqualTo(3);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_STEP);
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(2);
  }

  @Test
  void repeatedDrillKeepsCanaryPods() {
    RehearsalSpec settings = rehearsal(RehearsalSpec.Mode.Drill, 60);
    settings.repeatEvery = "1m";
    Driver driver = newRevision(pausing().rehearsal(settings)).readyPerPass(1);

    driver.run(20);

    assertThat(driver.status().rehearsal.count).isGreaterThanOrEqualTo(2);
    assertThat(driver.specReplicas("rev-b")).isEqualTo(2);
    assertThat(driver.minReadyAfterActions()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void withoutRepeatEveryRehearsesOnce() {
    Driver driver = newRevision(pausing());

    driver.run(31);

    assertThat(driver.status().rehearsal.count).isEqualTo(1);
  }
}
