package io.rearguard.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

  @Test
  void oddCountTakesMiddleSample() {
    Spread spread = Spread.of(List.of(3000L, 1000L, 2000L));

    assertThat(spread.min()).isEqualTo(1000);
    assertThat(spread.median()).isEqualTo(2000);
    assertThat(spread.max()).isEqualTo(3000);
    assertThat(spread.count()).isEqualTo(3);
  }

  @Test
  void evenCountAveragesMiddleSamples() {
    Spread spread = Spread.of(List.of(4000L, 1000L, 2000L, 3000L));

    assertThat(spread.median()).isEqualTo(2500);
  }

  @Test
  void formatsInSeconds() {
    assertThat(Spread.of(List.of(1920L, 2410L, 3050L)).inSeconds())
        .isEqualTo("min 1.92 s, median 2.41 s, max 3.05 s (n=3)");
  }

  @Test
  void emptySamplesAreRejected() {
    assertThatThrownBy(() -> Spread.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one sample");
  }
}
