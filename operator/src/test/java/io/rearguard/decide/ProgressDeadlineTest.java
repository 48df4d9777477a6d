package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.analysis;
import static io.rearguard.testkit.Rollouts.metric;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressDeadlineTest {
  private final MutableClock clock = new MutableClock();

  /** Returns a driver whose canary rev-b has just started and never gets a ready pod. */
  private Driver stuckCanary(Rollouts.Builder builder) {
    Driver driver =
        Driver.healthy(builder.progressDeadlineSeconds(120).build(), "rev-a", clock)
            .neverReady("rev-b");
    driver.changeTemplate("rev-b").pass();
    return driver;
  }

  @Test
  void stuckCanaryHoldsBeforeDeadline() {
    Driver driver = stuckCanary(rollout());

    driver.advance(Duration.ofSeconds(119)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(driver.status().abort).isNull();
  }

  @Test
  void stuckCanaryAbortsAtDeadline() {
    Driver driver = stuckCanary(rollout());

    driver.advance(Duration.ofSeconds(120)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().abort.reason).isEqualTo(Reasons.PROGRESS_DEADLINE_EXCEEDED);
    assertThat(driver.status().abort.actor).isEqualTo(Transition.OPERATOR);
    assertThat(driver.status().abort.message).contains("no progress for 120s");
  }

  @Test
  void stuckCanaryRequeuesAtDeadline() {
    Driver driver =
        Driver.healthy(rollout().progressDeadlineSeconds(10).build(), "rev-a", clock)
            .neverReady("rev-b");

    Decision atStart = driver.changeTemplate("rev-b").pass();
    Decision later = driver.advance(Duration.ofSeconds(4)).pass();

    assertThat(atStart.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(later.requeueAfter()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void deadlineWithoutAbortMarksDegraded() {
    Driver driver = stuckCanary(rollout().progressDeadlineAbort(false));

    driver.advance(Duration.ofSeconds(120)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Degraded);
    assertThat(driver.status().abort).isNull();
    assertThat(driver.status().canaryRevision).isEqualTo("rev-b");
    Condition progressing =
        Conditions.find(driver.status().conditions, Reasons.PROGRESSING).orElseThrow();
    assertThat(progressing.getStatus()).isEqualTo("False");
    assertThat(progressing.getReason()).isEqualTo(Reasons.PROGRESS_DEADLINE_EXCEEDED);
  }

  @Test
  void degradedIsReportedOnce() {
    Driver driver = stuckCanary(rollout().progressDeadlineAbort(false));

    driver.advance(Duration.ofSeconds(120)).pass();
    driver.run(5);

    assertThat(driver.transitionReasons())
        .filteredOn(Reasons.PROGRESS_DEADLINE_EXCEEDED::equals)
        .hasSize(1);
  }

  @Test
  void degradedCanaryRecoversWhenPodsBecomeReady() {
    Driver driver =
        Driver.healthy(
                rollout().progressDeadlineSeconds(120).progressDeadlineAbort(false).build(),
                "rev-a",
                clock)
            .readyPerPass(0);
    driver.changeTemplate("rev-b").pass();
    driver.advance(Duration.ofSeconds(120)).pass();
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Degraded);

    driver.readyPerPass(1).run(2);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }

  @Test
  void stepPausedRolloutDoesNotTimeOut() {
    Driver driver =
        Driver.healthy(
            rollout()
                .progressDeadlineSeconds(120)
                .steps(setWeight(20), pauseIndefinitely(), setWeight(50))
                .build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b").pass();
    driver.pass();

    driver.advance(Duration.ofHours(2)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().abort).isNull();
  }

  @Test
  void commandPausedRolloutDoesNotTimeOut() {
    Driver driver = stuckCanary(rollout());
    driver.command(RolloutCommandSpec.Action.PAUSE);
    driver.pass();

    driver.advance(Duration.ofHours(2)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().abort).isNull();
  }

  @Test
  void resumeRestartsDeadlineClock() {
    Driver driver = stuckCanary(rollout());
    driver.command(RolloutCommandSpec.Action.PAUSE);
    driver.pass();
    driver.advance(Duration.ofHours(2));
    driver.command(RolloutCommandSpec.Action.RESUME);
    driver.pass();

    driver.advance(Duration.ofSeconds(119)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }

  @Test
  void timedPauseLongerThanDeadlineDoesNotAbort() {
    Driver driver =
        Driver.healthy(
            rollout()
                .progressDeadlineSeconds(120)
                .steps(setWeight(20), pause("10m"), setWeight(50))
                .build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b").pass();
    driver.pass();
    assertThat(driver.status().currentStepIndex).isEqualTo(1);

    driver.advance(Duration.ofMinutes(5)).pass();

    assertThat(driver.status().abort).isNull();
    assertThat(driver.status().currentStepIndex).isEqualTo(1);
  }

  @Test
  void podsBecomingReadyCountAsProgress() {
    Driver driver =
        Driver.healthy(
                rollout().progressDeadlineSeconds(120).steps(setWeight(100)).build(),
                "rev-a",
                clock)
            .readyPerPass(1)
            .tick(Duration.ofSeconds(100));
    driver.changeTemplate("rev-b");

    driver.run(9);

    assertThat(driver.status().abort).isNull();
    assertThat(driver.readyReplicas("rev-b")).isEqualTo(9);
  }

  @Test
  void successfulMeasurementsCountAsProgress() {
    Driver driver =
        Driver.healthy(
            rollout()
                .progressDeadlineSeconds(120)
                .steps(
                    setWeight(20),
                    analysis(
                        metric(
                            "errors",
                            m -> {
                              m.count = 10;
                              m.interval = "100s";
                            })))
                .build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b").pass();
    driver.measureDueWith(due -> MeasurementOutcome.Successful).tick(Duration.ofSeconds(100));

    driver.run(6);

    assertThat(driver.status().abort).isNull();
    assertThat(driver.status().currentStepIndex).isEqualTo(1);
  }

  @Test
  void stableNeverReadyMarksDegraded() {
    Driver driver =
        new Driver(rollout().progressDeadlineSeconds(60).build(), "rev-a", clock)
            .neverReady("rev-a");
    driver.pass();

    driver.advance(Duration.ofSeconds(60)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Degraded);
    assertThat(driver.status().message).contains("revision rev-a has 0/10 ready pods");
  }

  @Test
  void scaleUpAfterLongRestStaysProgressing() {
    Driver driver =
        Driver.healthy(rollout().replicas(4).progressDeadlineSeconds(600).build(), "rev-a", clock)
            .readyPerPass(0);
    driver.advance(Duration.ofHours(1)).pass();

    driver.rollout().getSpec().replicas = 8;
    driver.advance(Duration.ofSeconds(5)).pass();

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }

  @Test
  void podLossAfterLongRestMovesToProgressingWithRecord() {
    Driver driver =
        Driver.healthy(rollout().replicas(4).progressDeadlineSeconds(600).build(), "rev-a", clock);
    driver.advance(Duration.ofHours(1)).pass();
    var onePodLost =
        io.rearguard.testkit.Observations.desired("rev-a").revision("rev-a", 4, 3).build();

    Decision decision = RolloutDecider.decide(driver.rollout(), onePodLost, clock);

    assertThat(decision.status().phase).isEqualTo(RolloutPhase.Progressing);
    assertThat(decision.transitions())
        .extracting(Transition::reason)
        .containsExactly(Reasons.PHASE_CHANGED);
    assertThat(decision.transitions().get(0).message())
        .contains("from Healthy to Progressing", "3/4");
  }
}
