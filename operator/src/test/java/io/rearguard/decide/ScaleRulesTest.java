package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.Rollout;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import org.junit.jupiter.api.Test;

/** Replica counts chosen for the stable, canary and older revisions. */
class ScaleRulesTest {
  private final MutableClock clock = new MutableClock();

  private Rollout healthyOnRevA(Rollout rollout) {
    return Driver.healthy(rollout, "rev-a", clock).rollout();
  }

  @Test
  void oldRevisionKeepsPodsUntilStableReady() {
    Rollout rollout = healthyOnRevA(rollout().replicas(10).build());
    var observation =
        Observations.desired("rev-a").revision("rev-a", 10, 6).revision("rev-old", 4, 4).build();

    Decision decision = RolloutDecider.decide(rollout, observation, clock);

    assertThat(decision.actions()).isEmpty();
  }

  @Test
  void oldRevisionScalesDownAsStableBecomesReady() {
    Rollout rollout = healthyOnRevA(rollout().replicas(10).build());
    var observation =
        Observations.desired("rev-a").revision("rev-a", 10, 8).revision("rev-old", 4, 4).build();

    Decision decision = RolloutDecider.decide(rollout, observation, clock);

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-old", 2));
  }

  @Test
  void revisionsBeyondHistoryLimitAreDeletedOldestFirst() {
    Rollout rollout = healthyOnRevA(rollout().revisionHistoryLimit(2).build());
    var observation =
        Observations.desired("rev-a")
            .revision("rev-a", 10, 10)
            .revision("rev-1", 0, 0, clock.instant().minusSeconds(400))
            .revision("rev-2", 0, 0, clock.instant().minusSeconds(300))
            .revision("rev-3", 0, 0, clock.instant().minusSeconds(200))
            .revision("rev-4", 0, 0, clock.instant().minusSeconds(100))
            .build();

    Decision decision = RolloutDecider.decide(rollout, observation, clock);

    assertThat(decision.actions())
        .containsExactly(new Action.DeleteRevision("rev-2"), new Action.DeleteRevision("rev-1"));
  }

  @Test
  void revisionWithPodsIsNotDeleted() {
    Rollout rollout = healthyOnRevA(rollout().revisionHistoryLimit(0).build());
    var observation =
        Observations.desired("rev-a")
            .revision("rev-a", 10, 8)
            .revision("rev-old", 2, 2, clock.instant().minusSeconds(100))
            .build();

    Decision decision = RolloutDecider.decide(rollout, observation, clock);

    assertThat(decision.actions()).noneMatch(a -> a instanceof Action.DeleteRevision);
  }

  @Test
  void unchangedReplicasProduceNoAction() {
    Driver driver = Driver.healthy(rollout().replicas(10).build(), "rev-a", clock);
    driver.changeTemplate("rev-b").pass();
    driver.pass();

    Decision decision = driver.pass();

    assertThat(decision.actions()).isEmpty();
  }

  @Test
  void lowerWeightKeepsCanaryUntilStableReady() {
    Driver driver =
        Driver.healthy(
            rollout().replicas(10).steps(setWeight(50), setWeight(20), pause("5m")).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b").pass();
    driver.pass();
    assertThat(driver.status().canaryWeight).isEqualTo(20);
    var observation =
        Observations.desired("rev-b").revision("rev-a", 5, 5).revision("rev-b", 5, 5).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), observation, clock);

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-a", 8));
  }

  @Test
  void lowerWeightShrinksCanaryOnceStableReady() {
    Driver driver =
        Driver.healthy(
            rollout().replicas(10).steps(setWeight(50), setWeight(20), pause("5m")).build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b").pass();
    driver.pass();
    var observation =
        Observations.desired("rev-b").revision("rev-a", 8, 8).revision("rev-b", 5, 5).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), observation, clock);

    assertThat(decision.actions()).containsExactly(new Action.ScaleRevision("rev-b", 2));
  }
}
