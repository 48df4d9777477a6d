package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static io.rearguard.testkit.SignalSpecs.burning;
import static io.rearguard.testkit.SignalSpecs.error;
import static io.rearguard.testkit.SignalSpecs.invariants;
import static io.rearguard.testkit.SignalSpecs.noData;
import static io.rearguard.testkit.SignalSpecs.rates;
import static io.rearguard.testkit.SignalSpecs.slo;
import static io.rearguard.testkit.SignalSpecs.trigger;
import static io.rearguard.testkit.SignalSpecs.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.SignalsStatus;
import io.rearguard.api.SloSpec;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import io.rearguard.testkit.SignalAnswers;
import org.junit.jupiter.api.Test;

/**
 * Burn-rate triggers and invariant counters of a canary with 10 replicas, objective 99% and one
 * trigger "fast" of 14.4 over 1h/5m. Each pass moves the clock by 5 s, so every signal is due in
 * every pass.
 */
class SignalRulesTest {
  private final MutableClock clock = new MutableClock();
  private final SignalAnswers answers = new SignalAnswers(clock);

  private static SloSpec fastTrigger() {
    return slo(99, trigger("fast", 14.4, "1h", "5m"));
  }

  /** Returns a rollout of 10 replicas whose canary steps are 20% and an indefinite pause. */
  private static Rollouts.Builder pausing() {
    return rollout().replicas(10).steps(setWeight(20), pauseIndefinitely());
  }

  /** Returns a driver whose canary rev-b has just been started by a new template. */
  private Driver canaryStarting(Rollouts.Builder builder) {
    Driver driver = Driver.healthy(builder.build(), "rev-a", clock);
    driver.answerSignalsWith(answers).changeTemplate("rev-b");
    return driver;
  }

  /** Returns a driver whose canary rev-b waits at its indefinite pause with 2 pods. */
  private Driver canaryAtPause(Rollouts.Builder builder) {
    return canaryStarting(builder)
        .runUntil(d -> Reasons.PAUSED_BY_STEP.equals(d.status().pauseReason), 5);
  }

  private static SignalsStatus.BurnRateStatus fast(Driver driver) {
    return driver.status().signals.burnRates.get(0);
  }

  @Test
  void burnOverLongWindowOnlyDoesNotFire() {
    // given a canary that burns 20x over the long window but 1x over the short one
    Driver driver = canaryAtPause(pausing().slo(fastTrigger()));
    answers.canary(burning(20), burning(1));

    // when the trigger is evaluated several times
    driver.run(5);

    // then the canary keeps running and the trigger reads Successful
    assertThat(driver.status().abort).isNull();
    assertThat(fast(driver).outcome).isEqualTo(MeasurementOutcome.Successful);
    assertThat(fast(driver).message).contains("do not both exceed 14.4");
  }

  @Test
  void burnOverShortWindowOnlyDoesNotFire() {
    Driver driver = canaryAtPause(pausing().slo(fastTrigger()));
    answers.canary(burning(1), burning(20));

    driver.run(5);

    assertThat(driver.status().abort).isNull();
  }

  @Test
  void burnOverBothWindowsRollsBack() {
    // given a canary at its pause
    Driver driver = canaryAtPause(pausing().slo(fastTrigger()));

    // when it burns 20x over both windows
    answers.canary(burning(20));
    driver.step();

    // then the next evaluation aborts it with BurnRateExceeded and moves all traffic to stable
    assertThat(driver.status().abort).isNotNull();
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.BURN_RATE_EXCEEDED);
    assertThat(driver.status().canaryWeight).isZero();
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
  }

  @Test
  void burnAbortMessageNamesTriggerRatesAndWindows() {
    Driver driver = canaryAtPause(pausing().slo(fastTrigger()));

    answers.canary(burning(20));
    driver.step();

    String message = driver.status().abort.message;
    assertThat(message).contains("burn-rate trigger fast fired");
    assertThat(message).contains("20.00 (1h) and 20.00 (5m) exceed 14.4");
    assertThat(message).contains("over 1h/5m");
  }

  @Test
  void stableBurningTooIsRecordedAndWorded() {
    // given a canary and a stable that both burn 20x over both windows
    Driver driver = canaryAtPause(pausing().slo(fastTrigger()));
    answers.canary(burning(20)).stable(burning(20));

    // when the trigger fires
    driver.step();

    // then the status marks the stable as burning and the abort message states it
    assertThat(fast(driver).stableBurning).isTrue();
    assertThat(fast(driver).stableLong).isEqualTo("20.00");
    assertThat(driver.status().abort.message).contains("the stable revision burns too");
  }

  @Test
  void healthyStableIsRecordedBesideFiringCanary() {
    Driver driver = canaryAtPause(pausing().slo(fastTrigger()));
    answers.canary(burning(20)).stable(burning(0.5));

    driver.step();

    assertThat(fast(driver).stableBurning).isFalse();
    assertThat(driver.status().abort.message).contains("stable burn rate 0.5000 and 0.5000");
    assertThat(driver.status().abort.message).doesNotContain("burns too");
  }

  @Test
  void stableOverOneWindowOnlyIsNotBurning() {
    // given a stable that burns 20x over the long window only, beside a quiet canary
    Driver driver = canaryAtPause(pausing().slo(fastTrigger()));
    answers.canary(burning(1)).stable(burning(20), burning(1));

    // when the trigger is evaluated
    driver.step();

    // then the stable is recorded as not burning
    assertThat(fast(driver).stableBurning).isFalse();
    assertThat(fast(driver).stableShort).isEqualTo("1.000");
  }

  @Test
  void invariantIncreaseAbortsOnFirstEvaluation() {
    // given a canary waiting at its pause with one invariant counter
    Driver driver = canaryAtPause(pausing().invariants(invariants("double-charge")));

    // when one evaluation reads an increase of 3
    answers.invariant("double-charge", value(3));
    driver.step();

    // then the canary is aborted in that pass with the counter named
    assertThat(driver.status().abort).isNotNull();
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.INVARIANT_VIOLATED);
    assertThat(driver.status().abort.stepIndex).isEqualTo(1);
  }

  @Test
  void invariantAbortMessageNamesCounterIncreaseAndWindow() {
    Driver driver = canaryAtPause(pausing().invariants(invariants("double-charge")));

    answers.invariant("double-charge", value(3));
    driver.step();

    String message = driver.status().abort.message;
    assertThat(message).contains("invariant double-charge");
    assertThat(message).contains("increased by 3.000");
    assertThat(message).contains("over the last 10s");
  }

  @Test
  void invariantIncreaseAbortsAtWeightStep() {
    // given a canary whose pods never become ready, so it stays at step 1/2
    Driver driver = canaryStarting(pausing().invariants(invariants("double-charge")));
    driver.neverReady("rev-b");
    answers.invariant("double-charge", value(0.5));

    // when the invariants are evaluated
    driver.run(3);

    // then the canary is aborted at that step
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.INVARIANT_VIOLATED);
    assertThat(driver.status().abort.stepIndex).isZero();
  }

  @Test
  void invariantWithoutIncreaseKeepsCanary() {
    Driver driver = canaryAtPause(pausing().invariants(invariants("double-charge", "lost-order")));

    driver.run(5);

    assertThat(driver.status().abort).isNull();
    assertThat(driver.status().signals.invariants)
        .extracting(i -> i.outcome)
        .containsOnly(MeasurementOutcome.Successful);
  }

  @Test
  void unansweredEvaluationsBelowLimitHoldCanary() {
    // given a trigger whose queries fail, with a limit of 3 unanswered evaluations in a row
    SloSpec slo = fastTrigger();
    slo.consecutiveErrorLimit = 3;
    Driver driver = canaryAtPause(pausing().slo(slo));
    answers.canary(rates(error(), error()));

    // when fewer evaluations than the limit go unanswered
    driver.run(2);

    // then the canary is not aborted yet
    assertThat(fast(driver).consecutiveErrors).isEqualTo(2);
    assertThat(driver.status().abort).isNull();
  }

  @Test
  void errorLimitReachedAbortsCanary() {
    // given a limit of 3: the spec says the canary is handled as an Error after 3 unanswered
    // evaluations in a row
    SloSpec slo = fastTrigger();
    slo.consecutiveErrorLimit = 3;
    Driver driver = canaryAtPause(pausing().slo(slo));
    answers.canary(rates(error(), error()));

    // when 3 evaluations in a row go unanswered
    driver.run(3);

    // then the canary is aborted with AnalysisError
    assertThat(fast(driver).consecutiveErrors).isEqualTo(3);
    assertThat(driver.status().abort).isNotNull();
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_ERROR);
  }

  @Test
  void manyUnansweredEvaluationsAbortWithAnalysisError() {
    SloSpec slo = fastTrigger();
    slo.consecutiveErrorLimit = 3;
    Driver driver = canaryAtPause(pausing().slo(slo));
    answers.canary(rates(noData(), noData()));

    driver.runUntil(d -> d.status().abort != null, 6);

    assertThat(driver.status().abort.reason).isEqualTo(Reasons.ANALYSIS_ERROR);
    assertThat(driver.status().abort.message).contains("burn-rate trigger fast");
  }

  @Test
  void answerResetsUnansweredCount() {
    SloSpec slo = fastTrigger();
    slo.consecutiveErrorLimit = 3;
    Driver driver = canaryAtPause(pausing().slo(slo));
    answers.canary(rates(noData(), noData()));
    driver.run(2);

    answers.canary(burning(1));
    driver.step();
    answers.canary(rates(noData(), noData()));
    driver.run(2);

    assertThat(fast(driver).consecutiveErrors).isEqualTo(2);
    assertThat(driver.status().abort).isNull();
  }

  @Test
  void promotionWaitsForCleanBurnRates() {
    // given a one-step canary whose burn-rate queries return no data
    Driver driver = canaryStarting(rollout().slo(fastTrigger()).steps(setWeight(50)));
    answers.canary(rates(value(0), noData()));

    // when the canary runs at full weight with all pods ready
    driver.run(4);

    // then it is not promoted
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(10);
    assertThat(driver.status().stableRevision).isEqualTo("rev-a");
    assertThat(fast(driver).outcome).isEqualTo(MeasurementOutcome.NoData);

    // when the next evaluation is clean
    answers.canary(burning(1));
    driver.step();

    // then it is promoted
    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
  }

  @Test
  void promotionWaitsForEveryInvariant() {
    // given clean burn rates but one invariant counter whose query fails
    Driver driver =
        canaryStarting(
            rollout()
                .slo(fastTrigger())
                .invariants(invariants("double-charge", "lost-order"))
                .steps(setWeight(50)));
    answers.invariant("lost-order", error());

    driver.run(4);

    assertThat(driver.status().stableRevision).isEqualTo("rev-a");

    answers.invariant("lost-order", value(0));
    driver.step();

    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
  }

  @Test
  void resumeAfterSignalErrorPauseUnpauses() {
    // given a canary in a timed pause whose background analysis pauses on errors, paused with
    // AnalysisError by a trigger whose queries fail
    SloSpec slo = fastTrigger();
    slo.consecutiveErrorLimit = 1;
    AnalysisSpec background =
        Rollouts.analysisSpec(AnalysisSpec.ErrorPolicy.Pause, Rollouts.metric("error-ratio"));
    Driver driver =
        Driver.healthy(
            rollout()
                .slo(slo)
                .backgroundAnalysis(background)
                .steps(setWeight(20), pause("1h"))
                .build(),
            "rev-a",
            clock);
    driver.answerSignalsWith(answers).changeTemplate("rev-b");
    answers.canary(rates(error(), error()));
    driver.runUntil(d -> Reasons.ANALYSIS_ERROR.equals(d.status().pauseReason), 6);

    // when a resume command is handled before the next evaluation
    String resume = driver.command(RolloutCommandSpec.Action.RESUME);
    driver.pass();

    // then the canary is no longer paused by the errors that the person resumed from
    assertThat(driver.completed(resume).phase()).isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(driver.status().pauseReason).isNull();
  }
}
