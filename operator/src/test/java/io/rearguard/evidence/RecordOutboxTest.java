package io.rearguard.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.StatusCopier;
import io.rearguard.decide.Transition;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Observations;
import io.rearguard.testkit.Rollouts;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordOutboxTest {
  private final MutableClock clock = new MutableClock();
  private final FakeRecordStore store = new FakeRecordStore();
  private final Observation observation = Observations.desired("rev-1").build();
  private Rollout rollout = Rollouts.rollout().name(RecordChains.ROLLOUT).build();

  private RecordOutbox outbox(RecordRetention retention) {
    return new RecordOutbox(store, retention, clock);
  }

  private static Transition transition(String reason) {
    return new Transition(false, reason, reason + " message", Transition.OPERATOR);
  }

  /** Returns a decision that keeps the stored status and reports the given transitions. */
  private Decision decision(String... reasons) {
    RolloutStatus status = StatusCopier.copy(rollout.getStatus());
    status.phase = RolloutPhase.Healthy;
    List<Transition> transitions =
        Arrays.stream(reasons).map(RecordOutboxTest::transition).toList();
    return new Decision(status, List.of(), transitions, Duration.ofMinutes(10));
  }

  /**
   * Runs stage, the status write and, unless {@code crash}, the flush; returns the flush result.
   */
  private boolean pass(RecordOutbox outbox, boolean crash, String... reasons) {
    RolloutStatus next = outbox.stage(rollout, decision(reasons), observation, List.of());
    rollout = Rollouts.rollout().name(RecordChains.ROLLOUT).status(next).build();
    clock.advance(Duration.ofSeconds(5));
    return crash || outbox.flush(rollout);
  }

  private RecordHistory history() {
    return rollout.getStatus().history;
  }

  private ChainVerifier.Result verify() {
    return ChainVerifier.verify(RecordChains.ROLLOUT, store.resources(), history());
  }

  @Test
  void firstRecordOfNewRolloutHasSequenceOneAndNoPrevious() {
    RolloutStatus next =
        outbox(RecordRetention.DEFAULT)
            .stage(rollout, decision("RevisionDeployed"), observation, List.of());

    RolloutRecordSpec first = next.history.pending.get(0);
    assertThat(first.sequence).isEqualTo(1);
    assertThat(first.previousHash).isNull();
    assertThat(first.hash).isEqualTo(RecordHashing.hash(first));
    assertThat(next.history.lastSequence).isEqualTo(1);
    assertThat(next.history.lastHash).isEqualTo(first.hash);
    assertThat(store.stored).as("nothing is created before the status write").isEmpty();
  }

  @Test
  void transitionsOfOneDecisionAreChainedInOrder() {
    RecordOutbox outbox = outbox(RecordRetention.DEFAULT);
    pass(outbox, false, "RevisionDeployed");

    RolloutStatus next =
        outbox.stage(rollout, decision("StepCompleted", "Promoted"), observation, List.of());

    List<RolloutRecordSpec> pending = next.history.pending;
    assertThat(pending).extracting(r -> r.sequence).containsExactly(2L, 3L);
    assertThat(pending).extracting(r -> r.reason).containsExactly("StepCompleted", "Promoted");
    assertThat(pending.get(0).previousHash).isEqualTo(history().lastHash);
    assertThat(pending.get(1).previousHash).isEqualTo(pending.get(0).hash);
  }

  @Test
  void flushStoresPendingRecordsAndNextPassDropsThem() {
    RecordOutbox outbox = outbox(RecordRetention.DEFAULT);

    boolean written = pass(outbox, false, "RevisionDeployed", "RolloutHealthy");
    assertThat(written).isTrue();
    assertThat(store.stored).containsOnlyKeys("checkout-00000001", "checkout-00000002");
    assertThat(history().pending).hasSize(2);

    pass(outbox, false);
    assertThat(history().pending).isEmpty();
    assertThat(history().lastSequence).isEqualTo(2);
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void crashAfterStatusWriteLosesNoRecordAndLeavesNoGap() {
    pass(outbox(RecordRetention.DEFAULT), false, "RevisionDeployed");
    pass(outbox(RecordRetention.DEFAULT), true, "CanaryStarted", "StepCompleted");
    assertThat(store.stored).hasSize(1);

    RecordOutbox restarted = outbox(RecordRetention.DEFAULT);
    pass(restarted, false, "AnalysisFailed");
    pass(restarted, false);

    assertThat(store.stored)
        .containsOnlyKeys(
            "checkout-00000001", "checkout-00000002", "checkout-00000003", "checkout-00000004");
    assertThat(store.stored.get("checkout-00000004").reason).isEqualTo("AnalysisFailed");
    assertThat(history().pending).isEmpty();
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void failedWritesKeepRecordsPendingUntilTheStoreRecovers() {
    RecordOutbox outbox = outbox(RecordRetention.DEFAULT);
    store.failing = true;

    boolean written = pass(outbox, false, "RevisionDeployed");
    pass(outbox, false, "CommandRejected");

    assertThat(written).isFalse();
    assertThat(history().pending).extracting(r -> r.sequence).containsExactly(1L, 2L);
    assertThat(RecordOutbox.requeue(Duration.ofMinutes(10), rollout.getStatus(), false))
        .isEqualTo(RecordOutbox.FAILED_RETRY);

    store.failing = false;
    pass(outbox, false);
    pass(outbox, false);
    assertThat(history().pending).isEmpty();
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void requeueIsShortOnlyWhileRecordsArePending() {
    RecordOutbox outbox = outbox(RecordRetention.DEFAULT);
    pass(outbox, false, "RevisionDeployed");

    assertThat(RecordOutbox.requeue(Duration.ofMinutes(10), rollout.getStatus(), true))
        .isEqualTo(RecordOutbox.CONFIRMED_RECHECK);
    assertThat(RecordOutbox.requeue(Duration.ofMillis(300), rollout.getStatus(), true))
        .isEqualTo(Duration.ofMillis(300));
    pass(outbox, false);
    assertThat(RecordOutbox.requeue(Duration.ofMinutes(10), rollout.getStatus(), true))
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void chainOfEarlierRolloutWithSameNameIsContinued() {
    RecordChains.stored(3)
        .records()
        .forEach(r -> store.stored.put(r.getMetadata().getName(), r.getSpec()));
    String lastHash = store.stored.get("checkout-00000003").hash;

    RolloutStatus next =
        outbox(RecordRetention.DEFAULT)
            .stage(rollout, decision("RevisionDeployed"), observation, List.of());

    assertThat(next.history.pending.get(0).sequence).isEqualTo(4);
    assertThat(next.history.pending.get(0).previousHash).isEqualTo(lastHash);
  }

  @Test
  void countLimitPrunesOldestRecordsAndChainStillVerifies() {
    RecordOutbox outbox = outbox(new RecordRetention(3, Duration.ofDays(90)));
    for (int i = 0; i < 6; i++) {
      pass(outbox, false, "StepCompleted");
    }
    pass(outbox, false);

    assertThat(history().prunedThrough).isEqualTo(3);
    assertThat(store.stored)
        .containsOnlyKeys("checkout-00000004", "checkout-00000005", "checkout-00000006");
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void ageLimitPrunesOldRecordsButKeepsNewest() {
    RecordOutbox outbox = outbox(new RecordRetention(1000, Duration.ofDays(1)));
    pass(outbox, false, "RevisionDeployed");
    pass(outbox, false, "CanaryStarted");
    pass(outbox, false);
    clock.advance(Duration.ofDays(2));

    pass(outbox, false);

    assertThat(history().prunedThrough).isEqualTo(1);
    assertThat(store.stored).containsOnlyKeys("checkout-00000002");
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void pendingRecordsAreNeverPruned() {
    RecordOutbox outbox = outbox(new RecordRetention(1, Duration.ofDays(90)));
    store.failing = true;

    pass(outbox, false, "RevisionDeployed", "RolloutHealthy", "CanaryStarted");

    assertThat(history().prunedThrough).isNull();
    assertThat(history().pending).hasSize(3);
  }
}
