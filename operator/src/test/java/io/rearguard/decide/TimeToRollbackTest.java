package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static io.rearguard.testkit.SignalSpecs.invariants;
import static io.rearguard.testkit.SignalSpecs.rehearsal;
import static io.rearguard.testkit.SignalSpecs.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import io.rearguard.testkit.SignalAnswers;
import org.junit.jupiter.api.Test;

/**
 * Time-to-rollback of a canary with 2 of 10 pods in a 5-minute pause: the seconds from the abort
 * until the stable revision has all 10 pods ready and the canary none. Each pass moves the clock by
 * 5 s.
 */
class TimeToRollbackTest {
  private final MutableClock clock = new MutableClock();

  private static Rollouts.Builder pausing() {
    return rollout().replicas(10).steps(setWeight(20), pause("5m"));
  }

  /** Returns a driver whose canary rev-b waits in its pause with 2 ready pods. */
  private Driver canaryAtPause(Rollouts.Builder builder) {
    Driver driver = Driver.healthy(builder.build(), "rev-a", clock);
    driver.changeTemplate("rev-b");
    return driver.run(3);
  }

  private static long completions(Driver driver) {
    return driver.transitionReasons().stream().filter(Reasons.ROLLBACK_COMPLETED::equals).count();
  }

  @Test
  void rollbackSecondsCountFromAbortToFullStable() {
    // given a canary with 2 ready pods
    Driver driver = canaryAtPause(pausing());

    // when it is aborted and the stable revision takes its pods back within two passes
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(4);

    // then the rollback took 10 s: one pass for the stable pods, one for the canary's removal
    assertThat(driver.status().abort.rollbackSeconds).isEqualTo(10.0);
  }

  @Test
  void rollbackCompletionIsReportedOnce() {
    Driver driver = canaryAtPause(pausing());

    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(8);

    assertThat(completions(driver)).isEqualTo(1);
  }

  @Test
  void rollbackCompletionNamesCanaryAndCapacity() {
    Driver driver = canaryAtPause(pausing());

    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(4);

    Transition completed =
        driver.transitions().stream()
            .filter(t -> Reasons.ROLLBACK_COMPLETED.equals(t.reason()))
            .findFirst()
            .orElseThrow();
    assertThat(completed.message()).contains("Rollback of canary rev-b completed in 10.0s");
    assertThat(completed.message()).contains("10/10 ready pods and the canary none");
  }

  @Test
  void rollbackIsNotCompleteWhileStableIsShort() {
    // given stable pods that become ready one per pass
    Driver driver = canaryAtPause(pausing()).readyPerPass(1);
    driver.pass();

    // when the canary is aborted and one pass has run
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.step();

    // then no time-to-rollback is recorded yet
    assertThat(driver.readyReplicas("rev-a")).isLessThan(10);
    assertThat(driver.status().abort.rollbackSeconds).isNull();
  }

  @Test
  void rollbackSecondsIncludeScaleDownDelay() {
    // given aborted canary pods that are kept for 30 s
    Driver driver = canaryAtPause(pausing().abortScaleDownDelaySeconds(30));

    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(10);

    // then the rollback is complete only once they are gone
    assertThat(driver.status().abort.rollbackSeconds).isGreaterThanOrEqualTo(30.0);
  }

  @Test
  void automaticAbortRecordsRollbackSeconds() {
    // given a canary aborted by an invariant increase
    SignalAnswers answers = new SignalAnswers(clock);
    Driver driver = canaryAtPause(pausing().invariants(invariants("double-charge")));
    driver.answerSignalsWith(answers);
    answers.invariant("double-charge", value(1));

    driver.run(4);

    // then its time-to-rollback is recorded like that of a command
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.INVARIANT_VIOLATED);
    assertThat(driver.status().abort.rollbackSeconds).isNotNull();
  }

  @Test
  void abortBeforeExposureCompletesAtOnce() {
    // given a canary whose drill never finishes, so it has no pods
    Driver driver =
        Driver.healthy(
            pausing().rehearsal(rehearsal(RehearsalSpec.Mode.Drill, 600)).build(), "rev-a", clock);
    driver.changeTemplate("rev-b").neverReady("rev-a");
    driver.run(2);

    // when it is aborted
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(2);

    // then the rollback has nothing to wait for
    assertThat(driver.status().abort.rollbackSeconds).isZero();
  }
}
