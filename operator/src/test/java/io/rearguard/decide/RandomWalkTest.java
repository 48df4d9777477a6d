package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.analysisSpec;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random walks through template changes, commands, measurement outcomes and slow pods,
 * checking after every pass the invariants that must hold in any state.
 */
class RandomWalkTest {
  private static final int WALKS = 100;
  private static final int PASSES = 250;
  private static final List<String> REVISIONS = List.of("rev-a", "rev-b", "rev-c", "rev-d");
  private static final String UPPER_CAMEL_CASE = "[A-Z][a-z0-9]+([A-Z][a-z0-9]+)*";

  @Test
  void invariantsHoldOnRandomWalks() {
    for (int seed = 0; seed < WALKS; seed++) {
      walk(seed);
    }
  }

  private static void walk(long seed) {
    Random random = new Random(seed);
    int replicas = List.of(1, 3, 4, 10).get(random.nextInt(4));
    MutableClock clock = new MutableClock();
    Driver driver =
        Driver.healthy(
            rollout()
                .replicas(replicas)
                .progressDeadlineSeconds(300)
                .steps(
                    setWeight(20),
                    analysis(metric("errors", m -> m.count = 2)),
                    pause("30s"),
                    setWeight(60),
                    pauseIndefinitely())
                .backgroundAnalysis(analysisSpec(metric("latency", m -> m.interval = "20s")))
                .build(),
            "rev-a",
            clock);
    driver.readyPerPass(1 + random.nextInt(3));
    driver.measureDueWith(due -> randomOutcome(random));
    RolloutCommandSpec.Action[] actions = RolloutCommandSpec.Action.values();

    for (int pass = 0; pass < PASSES; pass++) {
      String where = "seed " + seed + " pass " + pass + ": ";
      if (random.nextInt(100) < 3) {
        driver.changeTemplate(REVISIONS.get(random.nextInt(REVISIONS.size())));
      }
      if (random.nextInt(100) < 6) {
        driver.command(actions[random.nextInt(actions.length)]);
      }
      Observation observation = driver.nextObservation();
      Decision expected = RolloutDecider.decide(driver.rollout(), observation, clock);

      Decision decision = driver.pass(observation);
      driver.advance(Duration.ofSeconds(1 + random.nextInt(20)));

      assertThat(Driver.json(decision.status()))
          .as(where + "deciding twice gives the same status")
          .isEqualTo(Driver.json(expected.status()));
      assertThat(decision.actions()).as(where + "same actions").isEqualTo(expected.actions());
      assertThat(driver.maxServingRevisions())
          .as(where + "revisions with ready pods; " + driver.describe())
          .isLessThanOrEqualTo(2);
      assertThat(driver.minReadyAfterActions())
          .as(where + "ready capacity; " + driver.describe())
          .isGreaterThanOrEqualTo(replicas);
      checkStatus(where, driver, decision.status(), replicas);
      for (Transition transition : decision.transitions()) {
        assertThat(transition.reason()).as(where + "reason").matches(UPPER_CAMEL_CASE);
      }
    }
  }

  private static void checkStatus(String where, Driver driver, RolloutStatus status, int replicas) {
    assertThat(status.phase).as(where + "phase").isNotNull();
    if (status.phase == RolloutPhase.Healthy) {
      assertThat(status.canaryRevision).as(where + "Healthy has no canary").isNull();
      assertThat(driver.readyReplicas(status.stableRevision))
          .as(where + "Healthy stable is ready")
          .isGreaterThanOrEqualTo(replicas);
    }
    if (status.abort != null) {
      assertThat(driver.specReplicas(status.abort.revision))
          .as(where + "aborted canary never grows; " + driver.describe())
          .isLessThanOrEqualTo(replicas);
    }
    if (status.canaryRevision != null && status.abort == null) {
      assertThat(status.currentStepIndex).as(where + "step index").isNotNull();
      assertThat(status.step).as(where + "step text").isNotNull();
    }
    assertThat(status.stableRevision).as(where + "stable").isNotNull();
  }

  private static MeasurementOutcome randomOutcome(Random random) {
    int roll = random.nextInt(100);
    if (roll < 85) {
      return MeasurementOutcome.Successful;
    }
    MeasurementOutcome[] outcomes = MeasurementOutcome.values();
    return outcomes[random.nextInt(outcomes.length)];
  }
}
