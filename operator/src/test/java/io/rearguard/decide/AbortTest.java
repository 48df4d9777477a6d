package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import io.rearguard.testkit.Rollouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AbortTest {
  private final MutableClock clock = new MutableClock();

  /** Returns a driver whose canary rev-b runs 2 of 10 pods in a 5-minute pause at step 2/3. */
  private Driver canaryAtTwentyPercent(Rollouts.Builder builder) {
    Driver driver =
        Driver.healthy(
            builder.replicas(10).steps(setWeight(20), pause("5m"), setWeight(50)).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    return driver;
  }

  private Decision abortWith(Driver driver, int stableReady, int canaryReady) {
    driver.command(RolloutCommandSpec.Action.ABORT);
    var observation =
        Observations.desired("rev-b")
            .revision("rev-a", stableReady, stableReady)
            .revision("rev-b", canaryReady, canaryReady)
            .command(driver.observe().commands().get(0))
            .build();
    return RolloutDecider.decide(driver.rollout(), observation, clock);
  }

  @Test
  void abortSetsCanaryWeightToZero() {
    Driver driver = canaryAtTwentyPercent(rollout());

    Decision decision = abortWith(driver, 8, 2);

    assertThat(decision.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(decision.status().canaryWeight).isZero();
  }

  @Test
  void abortScalesStableUpBeforeCanaryDown() {
    Driver driver = canaryAtTwentyPercent(rollout());

    Decision decision = abortWith(driver, 8, 2);

    assertThat(decision.actions()).contains(new Action.ScaleRevision("rev-a", 10));
    assertThat(decision.actions())
        .noneMatch(a -> a instanceof Action.ScaleRevision s && s.revision().equals("rev-b"));
  }

  @Test
  void abortedCanaryKeepsPodsStableHasNotCovered() {
    Driver driver = canaryAtTwentyPercent(rollout());
    abortWith(driver, 8, 2);
    driver.pass();
    var stableNineReady =
        Observations.desired("rev-b").revision("rev-a", 10, 9).revision("rev-b", 2, 2).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), stableNineReady, clock);

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-b", 1));
  }

  @Test
  void abortedCanaryScalesToZeroOnceStableReady() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.pass();

    driver.pass();

    assertThat(driver.specReplicas("rev-a")).isEqualTo(10);
    assertThat(driver.specReplicas("rev-b")).isZero();
  }

  @Test
  void abortKeepsReadyCapacityAtReplicas() {
    Driver driver = canaryAtTwentyPercent(rollout()).readyPerPass(1);
    driver.pass();

    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(10);

    assertThat(driver.specReplicas("rev-b")).isZero();
    assertThat(driver.minReadyAfterActions()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void abortedRevisionStaysAtZeroWhenReplicasGrow() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(3);

    driver.rollout().getSpec().replicas = 15;
    driver.run(3);

    assertThat(driver.specReplicas("rev-a")).isEqualTo(15);
    assertThat(driver.specReplicas("rev-b")).isZero();
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
  }

  @Test
  void abortedRevisionStaysAtZeroWhenReplicasShrink() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(3);

    driver.rollout().getSpec().replicas = 4;
    driver.run(3);

    assertThat(driver.specReplicas("rev-a")).isEqualTo(4);
    assertThat(driver.specReplicas("rev-b")).isZero();
  }

  @Test
  void abortRecordsActorAndReason() {
    Driver driver = canaryAtTwentyPercent(rollout());
    String name = driver.command(RolloutCommandSpec.Action.ABORT, "error rate up", "alice");

    driver.pass();

    var abort = driver.status().abort;
    assertThat(abort.revision).isEqualTo("rev-b");
    assertThat(abort.reason).isEqualTo(Reasons.ABORT_COMMAND);
    assertThat(abort.actor).isEqualTo("command/" + name + " by alice");
    assertThat(abort.message).contains("error rate up");
    assertThat(abort.stepIndex).isEqualTo(1);
    assertThat(abort.time).isEqualTo(clock.instant().toString());
  }

  @Test
  void abortReportsWarningTransition() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.command(RolloutCommandSpec.Action.ABORT);

    Decision decision = driver.pass();

    assertThat(decision.transitions()).hasSize(1);
    assertThat(decision.transitions().get(0).reason()).isEqualTo(Reasons.ABORT_COMMAND);
    assertThat(decision.transitions().get(0).warning()).isTrue();
  }

  @Test
  void abortedRolloutReportsNothingMoreOnLaterPasses() {
    Driver driver = canaryAtTwentyPercent(rollout());
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(3);

    Decision decision = driver.pass();

    assertThat(decision.transitions()).isEmpty();
    assertThat(decision.actions()).isEmpty();
    assertThat(decision.status().phase).isEqualTo(RolloutPhase.Aborted);
  }

  @Test
  void abortWhenHealthyIsRejected() {
    Driver driver = Driver.healthy(rollout().replicas(10).build(), "rev-a", clock);
    String name = driver.command(RolloutCommandSpec.Action.ABORT);

    Decision decision = driver.pass();

    assertThat(driver.completed(name).phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(driver.completed(name).message()).startsWith("nothing to abort");
    assertThat(decision.actions()).noneMatch(a -> a instanceof Action.ScaleRevision);
    assertThat(decision.status().abort).isNull();
  }

  @Test
  void abortScaleDownDelayKeepsCanaryPods() {
    Driver driver = canaryAtTwentyPercent(rollout().abortScaleDownDelaySeconds(60));
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.pass();

    driver.advance(Duration.ofSeconds(59)).pass();

    assertThat(driver.readyReplicas("rev-a")).isEqualTo(10);
    assertThat(driver.specReplicas("rev-b")).isEqualTo(2);
  }

  @Test
  void abortScaleDownDelayEndsAtItsDuration() {
    Driver driver = canaryAtTwentyPercent(rollout().abortScaleDownDelaySeconds(60));
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.pass();

    driver.advance(Duration.ofSeconds(60)).pass();

    assertThat(driver.specReplicas("rev-b")).isZero();
  }
}
