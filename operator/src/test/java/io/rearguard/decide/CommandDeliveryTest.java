package io.rearguard.decide;

import static io.rearguard.api.RolloutCommandSpec.Action.PAUSE;
import static io.rearguard.api.RolloutCommandSpec.Action.PROMOTE;
import static io.rearguard.api.RolloutCommandSpec.Action.RESUME;
import static io.rearguard.testkit.Rollouts.pause;
import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.Rollouts.setWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.CommandRef;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.decide.Observation.PendingCommand;
import io.rearguard.testkit.Driver;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commands run at most once: re-delivery, copies and expiry. */
class CommandDeliveryTest {
  private final MutableClock clock = new MutableClock();

  /** Returns canary rev-b in a one-hour pause at step 2/4, phase Progressing. */
  private Driver progressing() {
    Driver driver =
        Driver.healthy(
            rollout()
                .progressDeadlineSeconds(7200)
                .steps(setWeight(20), pause("1h"), setWeight(50), pause("1h"))
                .build(),
            "rev-a",
            clock);
    driver.changeTemplate("rev-b");
    driver.pass();
    driver.pass();
    return driver;
  }

  private Observation observationWith(Driver driver, PendingCommand command) {
    Observation current = driver.observe();
    return new Observation(
        current.desiredRevision(), current.revisions(), List.of(), List.of(command));
  }

  @Test
  void redeliveredCommandOnlyCompletesAgain() {
    Driver driver = progressing();
    driver.command(PROMOTE);
    PendingCommand promote = driver.observe().commands().get(0);
    driver.pass();
    String decidedAt = clock.instant().toString();
    driver.run(2);
    Integer stepBefore = driver.status().currentStepIndex;

    Decision again =
        RolloutDecider.decide(driver.rollout(), observationWith(driver, promote), clock);

    assertThat(again.actions())
        .containsExactly(
            new Action.CompleteCommand(
                promote.name(),
                RolloutCommandStatus.Phase.Accepted,
                "step 2/4 skipped",
                decidedAt,
                "Progressing at step 2/4"));
    assertThat(again.transitions()).isEmpty();
    assertThat(again.status().currentStepIndex).isEqualTo(stepBefore);
  }

  @Test
  void redeliveredCommandKeepsItsFirstTime() {
    Driver driver = progressing();
    driver.command(PROMOTE);
    PendingCommand promote = driver.observe().commands().get(0);
    driver.pass();
    String decidedAt = clock.instant().toString();

    driver.advance(Duration.ofMinutes(2));
    Decision again =
        RolloutDecider.decide(driver.rollout(), observationWith(driver, promote), clock);

    assertThat(((Action.CompleteCommand) again.actions().get(0)).time()).isEqualTo(decidedAt);
  }

  @Test
  void executedCommandIsRemembered() {
    Driver driver = progressing();
    String name = driver.command(PROMOTE, "metrics fine", "bob");

    driver.pass();

    CommandRef ref = driver.status().recentCommands.get(0);
    assertThat(ref.uid).isEqualTo("uid-" + name);
    assertThat(ref.name).isEqualTo(name);
    assertThat(ref.action).isEqualTo("promote");
    assertThat(ref.result).isEqualTo("Accepted");
    assertThat(ref.fingerprint).isEqualTo("promote|3:bob|metrics fine");
  }

  @Test
  void copyWithinTenMinutesIsRejectedAsDuplicate() {
    Driver driver = progressing();
    String first = driver.command(PAUSE, "investigate", "bob");
    driver.pass();
    driver.command(RESUME);
    driver.pass();

    driver.advance(Duration.ofMinutes(9));
    String copy = driver.command(PAUSE, "investigate", "bob");
    driver.pass();

    assertThat(driver.completed(copy).phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(driver.completed(copy).message()).startsWith("duplicate of command " + first);
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Progressing);
  }

  @Test
  void copyAfterTenMinutesIsAccepted() {
    Driver driver = progressing();
    driver.command(PAUSE, "investigate", "bob");
    driver.pass();
    driver.command(RESUME);
    driver.pass();

    driver.advance(Duration.ofMinutes(11));
    String copy = driver.command(PAUSE, "investigate", "bob");
    driver.pass();

    assertThat(driver.completed(copy).phase()).isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(driver.status().phase).isEqualTo(RolloutPhase.Paused);
  }

  @Test
  void commandWithOtherReasonIsNoCopy() {
    Driver driver = progressing();
    driver.command(PAUSE, "investigate", "bob");
    driver.pass();
    driver.command(RESUME);
    driver.pass();

    String other = driver.command(PAUSE, "second look", "bob");
    driver.pass();

    assertThat(driver.completed(other).phase()).isEqualTo(RolloutCommandStatus.Phase.Accepted);
  }

  @Test
  void commandFromOtherRequesterIsNoCopy() {
    Driver driver = progressing();
    driver.command(PAUSE, "investigate", "bob");
    driver.pass();
    driver.command(RESUME);
    driver.pass();

    String other = driver.command(PAUSE, "investigate", "carol");
    driver.pass();

    assertThat(driver.completed(other).phase()).isEqualTo(RolloutCommandStatus.Phase.Accepted);
  }

  @Test
  void twoCopiesInOnePassRunOnce() {
    Driver driver = progressing();
    String first = driver.command(PROMOTE, "go", "bob");
    String copy = driver.command(PROMOTE, "go", "bob");

    driver.pass();

    assertThat(driver.completed(first).phase()).isEqualTo(RolloutCommandStatus.Phase.Accepted);
    assertThat(driver.completed(copy).phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(driver.status().currentStepIndex).isEqualTo(2);
  }

  @Test
  void expiredCommandIsRejected() {
    Driver driver = progressing();
    PendingCommand old =
        Observations.command("late-promote", PROMOTE, "bob", clock.instant().minusSeconds(601));

    Decision decision =
        RolloutDecider.decide(driver.rollout(), observationWith(driver, old), clock);

    Action.CompleteCommand result = (Action.CompleteCommand) decision.actions().get(0);
    assertThat(result.phase()).isEqualTo(RolloutCommandStatus.Phase.Rejected);
    assertThat(result.message()).startsWith("expired");
    assertThat(decision.status().currentStepIndex).isEqualTo(1);
  }

  @Test
  void commandTenMinutesOldIsStillAccepted() {
    Driver driver = progressing();
    PendingCommand command =
        Observations.command("promote-now", PROMOTE, "bob", clock.instant().minusSeconds(600));

    Decision decision =
        RolloutDecider.decide(driver.rollout(), observationWith(driver, command), clock);

    Action.CompleteCommand result = (Action.CompleteCommand) decision.actions().get(0);
    assertThat(result.phase()).isEqualTo(RolloutCommandStatus.Phase.Accepted);
  }

  @Test
  void recentCommandsKeepsNewestTwenty() {
    Driver driver = Driver.healthy(rollout().build(), "rev-a", clock);
    for (int i = 0; i < 25; i++) {
      driver.command(RESUME);
    }

    driver.pass();

    assertThat(driver.status().recentCommands).hasSize(CommandRules.REMEMBERED_COMMANDS);
    assertThat(driver.status().recentCommands.get(19).name).isEqualTo("resume-25");
  }

  @Test
  void separatorInTextDoesNotMakeCopy() {
    Driver driver = progressing();
    driver.command(PAUSE, "deploy", "ops|oncall");
    driver.pass();
    driver.command(RESUME);
    driver.pass();

    String other = driver.command(PAUSE, "oncall|deploy", "ops");
    driver.pass();

    assertThat(driver.completed(other).phase()).isEqualTo(RolloutCommandStatus.Phase.Accepted);
  }
}
