package io.rearguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.evidence.ChainVerifier;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifyViewTest {

  @Test
  void tamperedChainNamesFirstBadRecordAndKind() {
    var finding =
        new ChainVerifier.Finding(
            ChainVerifier.Tampering.ALTERED,
            "checkout-00000003",
            3,
            "its content does not match its hash");
    var result = new ChainVerifier.Result(Optional.of(finding), 2, 0, 5, 0);

    assertThat(VerifyView.render("checkout", result))
        .isEqualTo(
            "TAMPERED: record checkout-00000003 (sequence 3) of checkout was altered: its content"
                + " does not match its hash");
  }

  @Test
  void intactChainReportsRangePendingAndPruned() {
    var result = new ChainVerifier.Result(Optional.empty(), 4, 3, 8, 1);

    assertThat(VerifyView.render("checkout", result))
        .isEqualTo(
            "OK: the chain of checkout is intact: 4 records checked (sequences 4 to 8), 1 decided"
                + " but not yet stored, sequences up to 3 deleted by retention");
  }

  @Test
  void emptyChainIsIntact() {
    var result = new ChainVerifier.Result(Optional.empty(), 0, 0, 0, 0);

    assertThat(VerifyView.render("checkout", result))
        .isEqualTo("OK: the chain of checkout is intact: 0 records checked");
  }
}
