package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pauseIndefinitely;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseAndConditionsTest {
  private static final String UPPER_CAMEL_CASE = "[A-Z][a-z0-9]+([A-Z][a-z0-9]+)*";

  private final MutableClock clock = new MutableClock();

  private static Condition condition(RolloutStatus status, String type) {
    return Conditions.find(status.conditions, type).orElseThrow();
  }

  @Test
  void statusRecordsObservedGeneration() {
    Driver driver = Driver.healthy(rollout().generation(7).build(), "rev-a", clock);

    assertThat(driver.status().observedGeneration).isEqualTo(7L);
  }

  @Test
  void conditionsRecordObservedGeneration() {
    Driver driver = Driver.healthy(rollout().generation(7).build(), "rev-a", clock);

    assertThat(driver.status().conditions)
        .extracting(Condition::getObservedGeneration)
        .containsOnly(7L);
  }

  @Test
  void templateChangeAdvancesObservedGeneration() {
    Driver driver = Driver.healthy(rollout().generation(7).build(), "rev-a", clock);

    driver.changeTemplate("rev-b").pass();

    assertThat(driver.status().observedGeneration).isEqualTo(8L);
  }

  @Test
  void everyConditionTypeIsSet() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);

    assertThat(driver.status().conditions)
        .extracting(Condition::getType)
        .containsExactlyInAnyOrder(
            Reasons.PROGRESSING,
            Reasons.HEALTHY,
            Reasons.PAUSED,
            Reasons.ABORTED,
            Reasons.INVALID_SPEC);
  }

  @Test
  void transitionTimeStaysWhileStatusHolds() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    String healthySince = condition(driver.status(), Reasons.HEALTHY).getLastTransitionTime();

    driver.advance(Duration.ofHours(1)).pass();

    assertThat(condition(driver.status(), Reasons.HEALTHY).getLastTransitionTime())
        .isEqualTo(healthySince);
  }

  @Test
  void transitionTimeMovesWhenStatusFlips() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    Instant changed = clock.instant().plus(Duration.ofHours(1));

    driver.advance(Duration.ofHours(1)).changeTemplate("rev-b").pass();

    Condition healthy = condition(driver.status(), Reasons.HEALTHY);
    assertThat(healthy.getStatus()).isEqualTo("False");
    assertThat(healthy.getLastTransitionTime()).isEqualTo(changed.toString());
  }

  @Test
  void transitionTimeStaysWhenOnlyReasonChanges() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    driver.advance(Duration.ofMinutes(1)).changeTemplate("rev-b");
    driver.command(RolloutCommandSpec.Action.PAUSE);
    driver.pass();
    Condition progressing = condition(driver.status(), Reasons.PROGRESSING);
    String since = progressing.getLastTransitionTime();
    assertThat(progressing.getReason()).isEqualTo(Reasons.ROLLOUT_PAUSED);

    driver.advance(Duration.ofMinutes(1));
    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.pass();

    progressing = condition(driver.status(), Reasons.PROGRESSING);
    assertThat(progressing.getReason()).isEqualTo(Reasons.ROLLOUT_ABORTED);
    assertThat(progressing.getLastTransitionTime()).isEqualTo(since);
  }

  @Test
  void pausedConditionNamesPauseReason() {
    Driver driver =
        Driver.healthy(rollout().steps(setWeight(20), pauseIndefinitely()).build(), "rev-a", clock);

    driver.changeTemplate("rev-b").run(2);

    Condition paused = condition(driver.status(), Reasons.PAUSED);
    assertThat(paused.getStatus()).isEqualTo("True");
    assertThat(paused.getReason()).isEqualTo(Reasons.PAUSED_BY_STEP);
  }

  @Test
  void abortedConditionNamesAbortReason() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    driver.changeTemplate("rev-b").pass();

    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.pass();

    Condition aborted = condition(driver.status(), Reasons.ABORTED);
    assertThat(aborted.getStatus()).isEqualTo("True");
    assertThat(aborted.getReason()).isEqualTo(Reasons.ABORT_COMMAND);
  }

  @Test
  void progressingMessageNamesCanaryStepAndWeight() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);

    driver.changeTemplate("rev-b").pass();

    assertThat(driver.status().message).isEqualTo("canary rev-b at step 1/3, weight 20%");
  }

  @Test
  void lastDecisionRecordsLatestTransition() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);

    driver.changeTemplate("rev-b").pass();

    assertThat(driver.status().lastDecision.reason).isEqualTo(Reasons.REHEARSAL_PASSED);
    assertThat(driver.status().lastDecision.actor).isEqualTo(Transition.OPERATOR);
    assertThat(driver.status().lastDecision.time).isEqualTo(clock.instant().toString());
  }

  @Test
  void reasonsAreUpperCamelCase() {
    List<String> reasons = new ArrayList<>();
    Driver promoted =
        Driver.healthy(rollout().steps(setWeight(20), pauseIndefinitely()).build(), "rev-a", clock);
    promoted.changeTemplate("rev-b").run(2);
    collectReasons(promoted.status(), reasons);
    promoted.command(RolloutCommandSpec.Action.RESUME);
    promoted.command(RolloutCommandSpec.Action.PROMOTE);
    promoted.runUntil(Driver::isHealthy, 10);
    collectReasons(promoted.status(), reasons);
    Driver aborted = Driver.healthy(rollout().build(), "rev-a", clock);
    aborted.changeTemplate("rev-b").pass();
    aborted.command(RolloutCommandSpec.Action.ABORT);
    aborted.run(2);
    collectReasons(aborted.status(), reasons);
    reasons.addAll(promoted.transitionReasons());
    reasons.addAll(aborted.transitionReasons());

    assertThat(reasons).hasSizeGreaterThan(20);
    assertThat(reasons).allMatch(reason -> reason.matches(UPPER_CAMEL_CASE));
  }

  private static void collectReasons(RolloutStatus status, List<String> into) {
    status.conditions.forEach(c -> into.add(c.getReason()));
    if (status.pauseReason != null) {
      into.add(status.pauseReason);
    }
    if (status.abort != null) {
      into.add(status.abort.reason);
    }
    into.add(status.lastDecision.reason);
  }
}
