package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static io.rearguard.testkit.SignalSpecs.freezeBelow;
import static io.rearguard.testkit.SignalSpecs.noData;
import static io.rearguard.testkit.SignalSpecs.override;
import static io.rearguard.testkit.SignalSpecs.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.FreezeOverride;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import io.rearguard.testkit.SignalAnswers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Release freeze of a rollout with 10 replicas, objective 99% and a freeze below 50% of the error
 * budget. A stable revision that failed 5 of 100 events has -400% of its budget left; one that
 * failed 0.1 of 100 has 90% left.
 */
class FreezeRulesTest {
  private final MutableClock clock = new MutableClock();
  private final SignalAnswers answers = new SignalAnswers(clock);

  /** Returns a driver whose template has just changed to rev-b, with a chosen override. */
  private Driver newRevision(FreezeOverride override) {
    Driver driver =
        Driver.healthy(
            rollout()
                .replicas(10)
                .steps(setWeight(20), pauseIndefinitely())
                .slo(freezeBelow(99, 50))
                .releaseFreezeOverride(override)
                .build(),
            "rev-a",
            clock);
    driver.answerSignalsWith(answers).changeTemplate("rev-b");
    return driver;
  }

  private void budgetOverspent() {
    answers.budget(value(5), value(100));
  }

  private void budgetHealthy() {
    answers.budget(value(0.1), value(100));
  }

  private static long countOf(Driver driver, String reason) {
    return driver.transitionReasons().stream().filter(reason::equals).count();
  }

  @Test
  void overspentBudgetPausesCanaryAsReleaseFrozen() {
    // given a stable revision that has overspent its error budget
    budgetOverspent();
    Driver driver = newRevision(null);

    // when the new revision's canary runs for a while
    driver.run(4);

    // then it waits as Paused with reason ReleaseFrozen and has no pods
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.RELEASE_FROZEN);
    assertThat(driver.specReplicas("rev-b")).isZero();
    assertThat(driver.readyReplicas("rev-a")).isEqualTo(10);
  }

  @Test
  void frozenBudgetIsRecordedInStatus() {
    budgetOverspent();
    Driver driver = newRevision(null);

    driver.run(3);

    var budget = driver.status().signals.budget;
    assertThat(budget.frozen).isTrue();
    assertThat(budget.remainingPercent).isEqualTo("-400.0");
    assertThat(budget.message).contains("is below 50.0%");
  }

  @Test
  void frozenCanaryReportsNoTrafficWeight() {
    // given a canary held by the freeze before its first traffic
    budgetOverspent();
    Driver driver = newRevision(null);

    driver.run(3);

    // then the status does not claim that it should receive its first step's 20%
    assertThat(driver.specReplicas("rev-b")).isZero();
    assertThat(driver.status().canaryWeight).isZero();
  }

  @Test
  void frozenCanarySkipsBackgroundAnalysis() {
    // given a frozen canary with a background analysis, whose queries find no canary traffic
    budgetOverspent();
    Driver driver = newRevision(null);
    driver.rollout().getSpec().strategy.canary.analysis =
        Rollouts.analysisSpec(Rollouts.metric("error-ratio"));
    driver.measureDueWith(due -> MeasurementOutcome.NoData);

    // when it waits for a minute
    driver.run(12);

    // then it still waits for the budget instead of being aborted for an analysis error
    assertThat(driver.status().abort).isNull();
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.RELEASE_FROZEN);
  }

  @Test
  void unknownBudgetWaits() {
    // given a budget query that returns no data
    answers.budget(noData(), noData());
    Driver driver = newRevision(null);

    driver.run(4);

    // then the canary waits, because no data is never taken as a healthy budget
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.RELEASE_FROZEN);
    assertThat(driver.status().signals.budget.outcome).isEqualTo(MeasurementOutcome.NoData);
    assertThat(driver.status().lastDecision.message).contains("waiting until it is known");
    assertThat(driver.specReplicas("rev-b")).isZero();
  }

  @Test
  void healthyBudgetLetsCanaryThrough() {
    budgetHealthy();
    Driver driver = newRevision(null);

    driver.run(3);

    assertThat(driver.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_STEP);
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(2);
    assertThat(driver.transitionReasons()).doesNotContain(Reasons.RELEASE_FROZEN);
  }

  @Test
  void unexpiredOverrideLetsCanaryThroughOnce() {
    // given an overspent budget and an override that expires in an hour
    budgetOverspent();
    Driver driver = newRevision(override(MutableClock.START.plus(Duration.ofHours(1))));

    // when the canary runs
    driver.run(6);

    // then it receives traffic, and the override is reported once as a Warning
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(2);
    assertThat(countOf(driver, Reasons.FREEZE_OVERRIDDEN)).isEqualTo(1);
    Transition overridden =
        driver.transitions().stream()
            .filter(t -> Reasons.FREEZE_OVERRIDDEN.equals(t.reason()))
            .findFirst()
            .orElseThrow();
    assertThat(overridden.warning()).isTrue();
    assertThat(overridden.message()).contains("oncall-alice").contains("security fix");
  }

  @Test
  void overrideExpiryIsRecordedInBudget() {
    budgetOverspent();
    var expires = MutableClock.START.plus(Duration.ofHours(1));
    Driver driver = newRevision(override(expires));

    driver.run(3);

    assertThat(driver.status().signals.budget.overriddenUntil).isEqualTo(expires.toString());
  }

  @Test
  void expiredOverrideDoesNotApply() {
    // given an overspent budget and an override that expired an hour ago
    budgetOverspent();
    Driver driver = newRevision(override(MutableClock.START.minus(Duration.ofHours(1))));

    // when the canary runs
    driver.run(4);

    // then it stays frozen, names the expired override, and reports no override
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.RELEASE_FROZEN);
    assertThat(driver.specReplicas("rev-b")).isZero();
    assertThat(driver.transitionReasons()).doesNotContain(Reasons.FREEZE_OVERRIDDEN);
    assertThat(driver.status().lastDecision.message).contains("the override expired at");
  }

  @Test
  void recoveringBudgetReleasesCanary() {
    // given a canary frozen by an overspent budget
    budgetOverspent();
    Driver driver = newRevision(null);
    driver.run(3);

    // when the budget recovers
    budgetHealthy();
    driver.run(3);

    // then the canary is released with a transition and receives its traffic
    assertThat(driver.transitionReasons()).contains(Reasons.RELEASE_UNFROZEN);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_STEP);
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(2);
  }

  @Test
  void frozenBudgetIsReadAgainEachInterval() {
    budgetOverspent();
    Driver driver = newRevision(null);

    driver.run(5);

    assertThat(answers.budgetEvaluations()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void resumeCommandCannotLiftFreeze() {
    budgetOverspent();
    Driver driver = newRevision(null);
    driver.run(3);

    String resume = driver.command(RolloutCommandSpec.Action.RESUME);
    driver.run(2);

    assertThat(driver.completed(resume).phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(driver.completed(resume).message()).contains("spec.releaseFreezeOverride");
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.RELEASE_FROZEN);
  }

  @Test
  void budgetIsNotReadAfterFirstTraffic() {
    budgetHealthy();
    Driver driver = newRevision(null);
    driver.run(3);
    int evaluations = answers.budgetEvaluations();

    budgetOverspent();
    driver.run(4);

    assertThat(answers.budgetEvaluations()).isEqualTo(evaluations);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.PAUSED_BY_STEP);
  }
}
