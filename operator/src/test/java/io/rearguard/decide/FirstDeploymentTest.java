package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import org.junit.jupiter.api.Test;

class FirstDeploymentTest {
  private final MutableClock clock = new MutableClock();

  @Test
  void firstRevisionBecomesStable() {
    Rollout rollout = rollout().replicas(4).build();

    Decision decision =
        RolloutDecider.decide(rollout, Observations.desired("rev-a").build(), clock);

    assertThat(decision.status().stableRevision).isEqualTo("rev-a");
    assertThat(decision.status().canaryRevision).isNull();
  }

  @Test
  void firstRevisionIsScaledToReplicas() {
    Rollout rollout = rollout().replicas(4).build();

    Decision decision =
        RolloutDecider.decide(rollout, Observations.desired("rev-a").build(), clock);

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-a", 4));
  }

  @Test
  void firstRevisionReportsRevisionDeployed() {
    Rollout rollout = rollout().replicas(4).build();

    Decision decision =
        RolloutDecider.decide(rollout, Observations.desired("rev-a").build(), clock);

    assertThat(decision.transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.REVISION_DEPLOYED);
  }

  @Test
  void firstRevisionIsProgressingWhilePodsStart() {
    Driver driver = new Driver(rollout().replicas(4).build(), "rev-a", clock).readyPerPass(1);

    driver.step();
    driver.step();

    assertThat(driver.readyReplicas("rev-a")).isEqualTo(2);
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }

  @Test
  void firstRevisionBecomesHealthyWhenAllPodsReady() {
    Driver driver = new Driver(rollout().replicas(4).build(), "rev-a", clock).readyPerPass(1);

    driver.runUntil(d -> d.readyReplicas("rev-a") == 4, 10);
    driver.step();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Healthy);
    assertThat(driver.lastDecision().transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.ROLLOUT_HEALTHY);
  }

  @Test
  void healthyRolloutReportsRolloutHealthyOnce() {
    Driver driver = Driver.healthy(rollout().replicas(4).build(), "rev-a", clock);

    driver.run(5);

    assertThat(driver.transitionReasons())
        .containsExactly(Reasons.REVISION_DEPLOYED, Reasons.ROLLOUT_HEALTHY);
  }

  @Test
  void firstRevisionRecordsReadyStablePods() {
    Driver driver = Driver.healthy(rollout().replicas(4).build(), "rev-a", clock);

    driver.step();

    assertThat(driver.status().stableReadyReplicas).isEqualTo(4);
  }
}
