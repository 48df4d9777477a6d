package io.rearguard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parseAddsNumberUnitPairs() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("2d1s")).isEqualTo(Duration.ofDays(2).plusSeconds(1));
  }

  @Test
  void parseAcceptsLongestAllowedText() {
    String longest = "999999999d".repeat(6) + "1234";
    String text = longest.substring(0, Durations.MAX_LENGTH - 1) + "s";

    assertThat(text).hasSize(Durations.MAX_LENGTH);
    assertThat(Durations.parse(text)).isPositive();
  }

  @Test
  void parseRejectsTextOverMaxLength() {
    String text = "1s".repeat(Durations.MAX_LENGTH / 2 + 1);

    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.length() + " characters")
        .hasMessageContaining("at most " + Durations.MAX_LENGTH);
  }

  @Test
  void parseRejectsHugeTextWithoutStackOverflow() {
    // Matching the whole pattern at once overflowed the stack on 200 KB of valid pairs.
    String text = "999999999d".repeat(20_000);

    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseRejectsMalformedText() {
    for (String text : List.of("", "5", "s", "5 m", "1h 30m", "1234567890s", "5w", "-5s", "5s ")) {
      assertThatThrownBy(() -> Durations.parse(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid duration");
    }
  }

  @Test
  void parseRejectsNull() {
    assertThatThrownBy(() -> Durations.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid duration 'null'");
  }
}
