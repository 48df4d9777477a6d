package io.rearguard.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.evidence.ChainVerifier.Finding;
import io.rearguard.evidence.ChainVerifier.Result;
import io.rearguard.evidence.ChainVerifier.Tampering;
import io.rearguard.evidence.RecordChains.Chain;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
  private static final String ROLLOUT = RecordChains.ROLLOUT;

  private static Result verify(Chain chain) {
    return ChainVerifier.verify(ROLLOUT, chain.records(), chain.history());
  }

  private static Finding finding(Chain chain) {
    Result result = verify(chain);
    assertThat(result.intact()).as("chain should be reported as tampered").isFalse();
    return result.finding().orElseThrow();
  }

  @Test
  void intactChainVerifies() {
    Result result = verify(RecordChains.stored(5));

    assertThat(result.intact()).isTrue();
    assertThat(result.checked()).isEqualTo(5);
    assertThat(result.lastSequence()).isEqualTo(5);
  }

  @Test
  void emptyChainOfNewRolloutVerifies() {
    Result result = verify(RecordChains.stored(0));

    assertThat(result.intact()).isTrue();
    assertThat(result.checked()).isZero();
  }

  @Test
  void pendingRecordNotYetStoredIsNoGap() {
    Chain chain = RecordChains.stored(4);
    RecordOutbox.append(
        chain.history(), RecordChains.unchained("Promoted", RecordChains.START.plusSeconds(999)));

    Result result = verify(chain);

    assertThat(result.intact()).isTrue();
    assertThat(result.pending()).isEqualTo(1);
    assertThat(result.checked()).isEqualTo(4);
  }

  @Test
  void editedRecordIsReportedAsAltered() {
    Chain chain = RecordChains.stored(5);
    chain.at(3).getSpec().message = "nothing happened here";

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.ALTERED);
    assertThat(finding.record()).isEqualTo("checkout-00000003");
    assertThat(finding.sequence()).isEqualTo(3);
    assertThat(finding.message()).contains("does not match its hash");
  }

  @Test
  void firstBadRecordBySequenceIsReported() {
    Chain chain = RecordChains.stored(5);
    chain.at(4).getSpec().actor = "someone";
    chain.at(2).getSpec().actor = "someone";

    assertThat(finding(chain).record()).isEqualTo("checkout-00000002");
  }

  @Test
  void editedAndRehashedRecordBreaksTheNextLink() {
    Chain chain = RecordChains.stored(5);
    RolloutRecordSpec third = chain.at(3).getSpec();
    third.reason = "Promoted";
    third.hash = RecordHashing.hash(third);

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.REMOVED);
    assertThat(finding.record()).isEqualTo("checkout-00000004");
    assertThat(finding.message()).contains("previousHash").contains("sequence 3");
  }

  @Test
  void rehashedNewestRecordDiffersFromStatus() {
    Chain chain = RecordChains.stored(5);
    RolloutRecordSpec last = chain.at(5).getSpec();
    last.actor = "command/abort-1 by someone-else";
    last.hash = RecordHashing.hash(last);

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.ALTERED);
    assertThat(finding.record()).isEqualTo("checkout-00000005");
    assertThat(finding.message()).contains("Rollout's status");
  }

  @Test
  void deletedMiddleRecordIsReportedAsRemoved() {
    Chain chain = RecordChains.stored(5);
    chain.remove(3);

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.REMOVED);
    assertThat(finding.record()).isEqualTo("checkout-00000003");
    assertThat(finding.message()).contains("missing");
  }

  @Test
  void deletedNewestRecordIsReportedAsRemoved() {
    Chain chain = RecordChains.stored(5);
    chain.remove(5);

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.REMOVED);
    assertThat(finding.record()).isEqualTo("checkout-00000005");
  }

  @Test
  void forgedRecordAfterNewestIsReportedAsInserted() {
    Chain chain = RecordChains.stored(5);
    RolloutRecordSpec forged = RecordChains.unchained("Promoted", RecordChains.START);
    forged.sequence = 6L;
    forged.previousHash = chain.at(5).getSpec().hash;
    forged.hash = RecordHashing.hash(forged);
    chain.records().add(RecordChains.resource(forged));

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.INSERTED);
    assertThat(finding.record()).isEqualTo("checkout-00000006");
    assertThat(finding.message()).contains("beyond 5");
  }

  @Test
  void forgedSecondRecordWithTakenSequenceIsReportedAsInserted() {
    Chain chain = RecordChains.stored(5);
    RolloutRecordSpec forged = RecordHashing.copy(chain.at(3).getSpec());
    forged.actor = "command/promote-1 by oncall-alice";
    forged.hash = RecordHashing.hash(forged);
    chain.records().add(0, RecordChains.resource("checkout-00000003-b", forged));

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.INSERTED);
    assertThat(finding.record()).isEqualTo("checkout-00000003-b");
    assertThat(finding.sequence()).isEqualTo(3);
  }

  @Test
  void storedRecordThatDiffersFromPendingCopyIsReportedAsInserted() {
    Chain chain = RecordChains.stored(5);
    RecordOutbox.append(
        chain.history(), RecordChains.unchained("AbortCommand", RecordChains.START));
    RolloutRecordSpec forged = RecordHashing.copy(chain.history().pending.get(0));
    forged.actor = "command/abort-9 by mallory";
    forged.hash = RecordHashing.hash(forged);
    chain.records().add(RecordChains.resource(forged));

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.INSERTED);
    assertThat(finding.record()).isEqualTo("checkout-00000006");
    assertThat(finding.message()).contains("operator's copy");
  }

  @Test
  void recordWithoutSequenceIsReportedAsInserted() {
    Chain chain = RecordChains.stored(2);
    RolloutRecordSpec forged = RecordChains.unchained("Promoted", RecordChains.START);
    chain.records().add(RecordChains.resource("checkout-extra", forged));

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.INSERTED);
    assertThat(finding.record()).isEqualTo("checkout-extra");
  }

  @Test
  void chainPrunedByRetentionVerifiesFromFirstRetained() {
    Chain chain = RecordChains.stored(6);
    for (long sequence = 1; sequence <= 3; sequence++) {
      chain.remove(sequence);
    }
    chain.history().prunedThrough = 3L;

    Result result = verify(chain);

    assertThat(result.intact()).isTrue();
    assertThat(result.checked()).isEqualTo(3);
    assertThat(result.prunedThrough()).isEqualTo(3);
  }

  @Test
  void prunedRecordsStillPresentAreOnlyHashChecked() {
    Chain chain = RecordChains.stored(6);
    chain.history().prunedThrough = 2L;

    assertThat(verify(chain).intact()).isTrue();
    chain.at(1).getSpec().message = "edited before deletion";
    assertThat(finding(chain).record()).isEqualTo("checkout-00000001");
  }

  @Test
  void missingOldRecordsWithoutPruneMarkIsRemoval() {
    Chain chain = RecordChains.stored(6);
    for (long sequence = 1; sequence <= 3; sequence++) {
      chain.remove(sequence);
    }

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.REMOVED);
    assertThat(finding.record()).isEqualTo("checkout-00000001");
  }

  @Test
  void deletionBeyondPruneMarkIsRemoval() {
    Chain chain = RecordChains.stored(6);
    for (long sequence = 1; sequence <= 3; sequence++) {
      chain.remove(sequence);
    }
    chain.history().prunedThrough = 2L;

    Finding finding = finding(chain);

    assertThat(finding.kind()).isEqualTo(Tampering.REMOVED);
    assertThat(finding.record()).isEqualTo("checkout-00000003");
  }

  @Test
  void withoutStatusHistoryRecordsAreCheckedAgainstEachOther() {
    Chain chain = RecordChains.stored(4);

    Result intact = ChainVerifier.verify(ROLLOUT, chain.records(), null);
    chain.remove(2);
    Result broken = ChainVerifier.verify(ROLLOUT, chain.records(), null);

    assertThat(intact.intact()).isTrue();
    assertThat(broken.finding().map(Finding::record)).contains("checkout-00000002");
  }

  @Test
  void recordNamesArePaddedToEightDigits() {
    assertThat(RolloutRecord.name("shop", 42)).isEqualTo("shop-00000042");
    assertThat(RolloutRecord.name("shop", 123_456_789)).isEqualTo("shop-123456789");
  }
}
