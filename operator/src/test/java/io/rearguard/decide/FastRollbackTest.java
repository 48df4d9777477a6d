package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static io.rearguard.testkit.SignalSpecs.noData;
import static io.rearguard.testkit.SignalSpecs.rates;
import static io.rearguard.testkit.SignalSpecs.slo;
import static io.rearguard.testkit.SignalSpecs.trigger;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import io.rearguard.testkit.SignalAnswers;
import org.junit.jupiter.api.Test;

/**
 * Returns to a known-good revision. Each rollout has 10 replicas and the steps 20%, pause 30s, 50%;
 * rev-a was stable before rev-b was promoted, so rev-a is known good.
 */
class FastRollbackTest {
  private final MutableClock clock = new MutableClock();

  private static Rollouts.Builder threeSteps() {
    return rollout().replicas(10).steps(setWeight(20), pause("30s"), setWeight(50));
  }

  /** Returns a driver after rev-b replaced rev-a through every step. */
  private Driver promotedOver(Rollouts.Builder builder, String... revisions) {
    // Background analysis, where a test adds one, must measure Successful before a promotion.
    Driver driver =
        Driver.healthy(builder.build(), "rev-a", clock)
            .measureDueWith(due -> MeasurementOutcome.Successful);
    for (String revision : revisions) {
      driver.changeTemplate(revision);
      driver.runUntil(d -> d.isHealthy() && revision.equals(d.status().stableRevision), 30);
    }
    return driver;
  }

  @Test
  void promotionRemembersPreviousStableAsKnownGood() {
    Driver driver = promotedOver(threeSteps(), "rev-b");

    assertThat(driver.status().knownGoodRevisions).containsExactly("rev-a");
  }

  @Test
  void returnToKnownGoodSkipsStepsAndRehearsal() {
    // given rev-b promoted over the known-good rev-a
    Driver driver = promotedOver(threeSteps(), "rev-b");

    // when the template returns to rev-a
    driver.changeTemplate("rev-a");
    driver.pass();

    // then rev-a goes straight to full weight without steps or rehearsal
    assertThat(driver.status().fastRollback).isTrue();
    assertThat(driver.status().currentStepIndex).isEqualTo(3);
    assertThat(driver.status().canaryWeight).isEqualTo(100);
    assertThat(driver.status().rehearsal.phase).isEqualTo("Skipped");
    assertThat(driver.lastDecision().transitions())
        .extracting(Transition::reason)
        .contains(Reasons.FAST_ROLLBACK)
        .doesNotContain(Reasons.CANARY_STARTED);
  }

  @Test
  void knownGoodScalesUpBeforeStableShrinks() {
    Driver driver = promotedOver(threeSteps(), "rev-b");

    driver.changeTemplate("rev-a");
    Decision first = driver.pass();

    assertThat(first.actions()).contains(new Action.ScaleRevision("rev-a", 10));
    assertThat(first.actions())
        .noneMatch(a -> a instanceof Action.ScaleRevision s && s.revision().equals("rev-b"));
  }

  @Test
  void fastRollbackKeepsReadyCapacity() {
    Driver driver = promotedOver(threeSteps(), "rev-b").readyPerPass(1);

    driver.changeTemplate("rev-a");
    driver.runUntil(d -> d.isHealthy() && "rev-a".equals(d.status().stableRevision), 40);

    assertThat(driver.minReadyAfterActions()).isGreaterThanOrEqualTo(10);
    assertThat(driver.status().fastRollback).isNull();
  }

  @Test
  void fastRollbackDoesNotWaitForSignals() {
    // given rev-b promoted with clean burn rates, whose queries then stop returning data
    SignalAnswers answers = new SignalAnswers(clock);
    Driver driver =
        Driver.healthy(
            threeSteps().slo(slo(99, trigger("fast", 14.4, "1h", "5m"))).build(), "rev-a", clock);
    driver.answerSignalsWith(answers).changeTemplate("rev-b");
    driver.runUntil(d -> d.isHealthy() && "rev-b".equals(d.status().stableRevision), 30);
    int evaluations = answers.burnEvaluations();
    answers.canary(rates(noData(), noData()));

    // when the template returns to rev-a
    driver.changeTemplate("rev-a");
    driver.run(3);

    // then rev-a is stable again without one burn-rate evaluation
    assertThat(driver.status().stableRevision).isEqualTo("rev-a");
    assertThat(answers.burnEvaluations()).isEqualTo(evaluations);
  }

  @Test
  void fastRollbackTakesNoBackgroundMeasurements() {
    // given a background analysis that passed for rev-b
    Driver driver =
        promotedOver(
            threeSteps().backgroundAnalysis(Rollouts.analysisSpec(Rollouts.metric("error-ratio"))),
            "rev-b");
    driver.measureDueWith(null);

    // when the template returns to rev-a
    driver.changeTemplate("rev-a");
    driver.pass();

    // then no analysis is due for the fast rollback
    assertThat(AnalysisSchedule.due(driver.rollout().getSpec(), driver.status(), clock.instant()))
        .isEmpty();
  }

  @Test
  void fastRollbackIgnoresFailingBackgroundAnalysis() {
    // given a background analysis whose measurements would fail
    Driver driver =
        promotedOver(
            threeSteps().backgroundAnalysis(Rollouts.analysisSpec(Rollouts.metric("error-ratio"))),
            "rev-b");
    driver.measureDueWith(due -> MeasurementOutcome.Failed);

    // when the template returns to rev-a
    driver.changeTemplate("rev-a");
    driver.run(3);

    // then the return is not aborted by the analysis it skips
    assertThat(driver.status().abort).isNull();
    assertThat(driver.status().stableRevision).isEqualTo("rev-a");
  }

  @Test
  void fastRollbackPromotionListsPreviousStable() {
    Driver driver = promotedOver(threeSteps(), "rev-b");

    driver.changeTemplate("rev-a");
    driver.run(3);

    assertThat(driver.status().knownGoodRevisions).containsExactly("rev-b");
  }

  @Test
  void unknownRevisionRunsEverySteps() {
    Driver driver = promotedOver(threeSteps(), "rev-b");

    driver.changeTemplate("rev-c");
    driver.pass();

    assertThat(driver.status().fastRollback).isNull();
    assertThat(driver.status().currentStepIndex).isZero();
    assertThat(driver.status().canaryWeight).isEqualTo(20);
  }

  @Test
  void knownGoodRevisionsAreBoundedNewestFirst() {
    // given a limit of two known-good revisions
    Driver driver = promotedOver(threeSteps().knownGoodRevisions(2), "rev-b", "rev-c", "rev-d");

    // then the two stable revisions before rev-d are kept, newest first
    assertThat(driver.status().knownGoodRevisions).containsExactly("rev-c", "rev-b");
  }

  @Test
  void zeroKnownGoodRevisionsKeepsNone() {
    Driver driver = promotedOver(threeSteps().knownGoodRevisions(0), "rev-b");

    driver.changeTemplate("rev-a");
    driver.pass();

    assertThat(driver.status().knownGoodRevisions).isEmpty();
    assertThat(driver.status().fastRollback).isNull();
  }

  @Test
  void abortedRevisionIsNotKnownGood() {
    Driver driver = promotedOver(threeSteps(), "rev-b");
    driver.changeTemplate("rev-c");
    driver.run(2);

    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(3);

    assertThat(driver.status().knownGoodRevisions).containsExactly("rev-a");
  }
}
