package io.rearguard.decide;

import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Policy gates of a rollout with 10 replicas and steps 20%, pause 30s, 50%. */
class PolicyGateTest {
  private static final String DENIAL =
      "RolloutPolicy shop/pinned rule images-pinned denies: pin images; value: [app=demo:2]";

  private final MutableClock clock = new MutableClock();
  private final AtomicBoolean denying = new AtomicBoolean(true);

  private Driver newRevision() {
    RehearsalSpec off = new RehearsalSpec();
    off.mode = RehearsalSpec.Mode.Off;
    Driver driver =
        Driver.healthy(
            rollout()
                .replicas(10)
                .steps(setWeight(20), pause("30s"), setWeight(50))
                .rehearsal(off)
                .build(),
            "rev-a",
            clock);
    driver.policiesWith(this::verdicts).changeTemplate("rev-b");
    return driver;
  }

  private PolicyCheck verdicts(String revision) {
    List<PolicyCheck.Denial> denials =
        denying.get()
            ? List.of(
                new PolicyCheck.Denial("RolloutPolicy shop/pinned", "images-pinned", false, DENIAL))
            : List.of();
    return new PolicyCheck(revision, 1, 2, denials);
  }

  private static String condition(Driver driver, String field) {
    var condition =
        Conditions.find(driver.status().conditions, Reasons.POLICY_COMPLIANT).orElseThrow();
    return switch (field) {
      case "status" -> condition.getStatus();
      case "reason" -> condition.getReason();
      default -> condition.getMessage();
    };
  }

  @Test
  void movingDeniedValueWritesOneRecord() {
    // a freeze rule whose value contains the time changes its text on every pass
    RehearsalSpec off = new RehearsalSpec();
    off.mode = RehearsalSpec.Mode.Off;
    Driver driver =
        Driver.healthy(
            rollout().replicas(10).steps(setWeight(20), setWeight(50)).rehearsal(off).build(),
            "rev-a",
            clock);
    driver
        .policiesWith(
            revision ->
                new PolicyCheck(
                    revision,
                    1,
                    1,
                    List.of(
                        new PolicyCheck.Denial(
                            "RolloutPolicy shop/freeze",
                            "outside-freeze-window",
                            false,
                            "frozen; value: now is " + clock.instant()))))
        .changeTemplate("rev-b");

    for (int pass = 0; pass < 6; pass++) {
      driver.advance(Duration.ofSeconds(1)).pass();
    }

    assertThat(driver.status().pauseReason).isEqualTo(Reasons.POLICY_DENIED);
    assertThat(condition(driver, "message")).contains("now is " + clock.instant());
    assertThat(driver.transitions())
        .filteredOn(t -> Reasons.POLICY_DENIED.equals(t.reason()))
        .hasSize(1);
  }

  @Test
  void denialPausesBeforeFirstTraffic() {
    Driver driver = newRevision();

    driver.run(4);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.POLICY_DENIED);
    assertThat(driver.specReplicas("rev-b")).isZero();
    assertThat(driver.readyReplicas("rev-a")).isEqualTo(10);
    assertThat(condition(driver, "status")).isEqualTo("False");
    assertThat(condition(driver, "reason")).isEqualTo(Reasons.POLICY_DENIED);
    assertThat(condition(driver, "message")).isEqualTo(DENIAL);
    Transition paused =
        driver.transitions().stream()
            .filter(t -> Reasons.POLICY_DENIED.equals(t.reason()))
            .findFirst()
            .orElseThrow();
    assertThat(paused.warning()).isTrue();
    assertThat(paused.message()).contains("before its first traffic").contains(DENIAL);
    assertThat(driver.transitionReasons()).containsOnlyOnce(Reasons.POLICY_DENIED);
  }

  @Test
  void allowedVerdictContinuesByItself() {
    Driver driver = newRevision();
    driver.run(3);

    denying.set(false);
    driver.runUntil(Driver::isHealthy, 60);

    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
    assertThat(driver.transitionReasons())
        .containsSubsequence(Reasons.POLICY_DENIED, Reasons.POLICY_ALLOWED, Reasons.PROMOTED);
  }

  @Test
  void denialPausesBeforeAPromotionRaisesTheWeight() {
    denying.set(false);
    Driver driver = newRevision();
    driver.runUntil(
        d -> d.status().currentStepIndex != null && d.status().currentStepIndex == 1, 20);
    assertThat(driver.specReplicas("rev-b")).isEqualTo(2);

    denying.set(true);
    driver.advance(Duration.ofSeconds(31)).run(3);

    assertThat(driver.status().pauseReason).isEqualTo(Reasons.POLICY_DENIED);
    assertThat(driver.status().currentStepIndex).isEqualTo(1);
    assertThat(driver.status().canaryWeight).isEqualTo(20);
    assertThat(driver.specReplicas("rev-b")).isEqualTo(2);
    assertThat(driver.lastDecision().transitions()).isEmpty();

    denying.set(false);
    driver.run(2);
    assertThat(driver.status().pauseReason).isNull();
    assertThat(driver.status().canaryWeight).isGreaterThanOrEqualTo(50);
  }

  @Test
  void abortWinsWhilePolicyPaused() {
    Driver driver = newRevision();
    driver.run(3);

    driver.command(RolloutCommandSpec.Action.ABORT);
    driver.run(3);

    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Aborted);
    assertThat(driver.status().pauseReason).isNull();
    assertThat(driver.readyReplicas("rev-a")).isEqualTo(10);
    assertThat(driver.status().conditions)
        .noneMatch(c -> Reasons.POLICY_COMPLIANT.equals(c.getType()));
  }

  @Test
  void resumeAndPromoteAreRejectedWhilePolicyDenies() {
    Driver driver = newRevision();
    driver.run(3);

    String resume = driver.command(RolloutCommandSpec.Action.RESUME);
    driver.run(1);
    String promote = driver.command(RolloutCommandSpec.Action.PROMOTE);
    driver.run(1);

    assertThat(driver.completed(resume).phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(driver.completed(promote).phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(driver.completed(promote).message()).contains(DENIAL);
    assertThat(driver.status().pauseReason).isEqualTo(Reasons.POLICY_DENIED);
  }

  @Test
  void verdictsForAnotherRevisionDeny() {
    Driver driver = newRevision();
    driver.policiesWith(revision -> new PolicyCheck("rev-other", 1, 1, List.of()));

    driver.run(3);

    assertThat(driver.status().pauseReason).isEqualTo(Reasons.POLICY_DENIED);
    assertThat(condition(driver, "message")).contains("evaluated for revision rev-other");
  }

  @Test
  void noApplicablePolicyLeavesTheCanaryAlone() {
    Driver driver = newRevision();
    driver.policiesWith(revision -> PolicyCheck.NONE);

    driver.runUntil(Driver::isHealthy, 60);

    assertThat(driver.status().stableRevision).isEqualTo("rev-b");
    assertThat(driver.transitionReasons()).doesNotContain(Reasons.POLICY_DENIED);
  }
}
