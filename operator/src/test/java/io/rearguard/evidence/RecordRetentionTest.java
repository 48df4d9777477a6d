package io.rearguard.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rearguard.api.RecordHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordRetentionTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private static RecordHistory history(long last, Long pruned) {
    RecordHistory history = new RecordHistory();
    history.lastSequence = last;
    history.prunedThrough = pruned;
    return history;
  }

  @Test
  void defaultsAreThousandRecordsAndNinetyDays() {
    RecordRetention retention = RecordRetention.fromEnvironment(Map.of());

    assertThat(retention.maxCount()).isEqualTo(1000);
    assertThat(retention.maxAge()).isEqualTo(Duration.ofDays(90));
  }

  @Test
  void environmentSetsBothLimits() {
    RecordRetention retention =
        RecordRetention.fromEnvironment(
            Map.of(
                "REARGUARD_RECORD_RETENTION_COUNT", "50", "REARGUARD_RECORD_RETENTION_DAYS", "7"));

    assertThat(retention.maxCount()).isEqualTo(50);
    assertThat(retention.maxAge()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void malformedEnvironmentIsRejectedWithVariableName() {
    assertThatThrownBy(
            () -> RecordRetention.fromEnvironment(Map.of("REARGUARD_RECORD_RETENTION_COUNT", "x")))
        .hasMessageContaining("REARGUARD_RECORD_RETENTION_COUNT")
        .hasMessageContaining("integer");
    assertThatThrownBy(
            () -> RecordRetention.fromEnvironment(Map.of("REARGUARD_RECORD_RETENTION_DAYS", "0")))
        .hasMessageContaining("REARGUARD_RECORD_RETENTION_DAYS")
        .hasMessageContaining("at least 1");
  }

  @Test
  void countLimitKeepsNewestRecords() {
    RecordRetention retention = new RecordRetention(10, Duration.ofDays(90));

    assertThat(retention.pruneThrough(history(25, null), null, NOW)).isEqualTo(15);
    assertThat(retention.pruneThrough(history(8, null), null, NOW)).isZero();
  }

  @Test
  void pruneMarkNeverMovesBack() {
    RecordRetention retention = new RecordRetention(10, Duration.ofDays(90));

    assertThat(retention.pruneThrough(history(12, 7L), null, NOW)).isEqualTo(7);
  }

  @Test
  void ageLimitPrunesThroughNewestExpiredRecord() {
    RecordRetention retention = new RecordRetention(1000, Duration.ofDays(1));
    List<RecordStore.Stamp> stamps =
        List.of(
            new RecordStore.Stamp(1, NOW.minus(Duration.ofDays(3))),
            new RecordStore.Stamp(2, NOW.minus(Duration.ofHours(25))),
            new RecordStore.Stamp(3, NOW.minus(Duration.ofHours(1))));

    assertThat(retention.pruneThrough(history(3, null), stamps, NOW)).isEqualTo(2);
  }

  @Test
  void newestRecordIsKeptEvenWhenExpired() {
    RecordRetention retention = new RecordRetention(1000, Duration.ofDays(1));
    List<RecordStore.Stamp> stamps =
        List.of(
            new RecordStore.Stamp(1, NOW.minus(Duration.ofDays(3))),
            new RecordStore.Stamp(2, NOW.minus(Duration.ofDays(2))));

    assertThat(retention.pruneThrough(history(2, null), stamps, NOW)).isEqualTo(1);
  }

  @Test
  void limitsBelowOneAreRejected() {
    assertThatThrownBy(() -> new RecordRetention(0, Duration.ofDays(1)))
        .hasMessageContaining("maxCount");
    assertThatThrownBy(() -> new RecordRetention(1, Duration.ZERO)).hasMessageContaining("maxAge");
  }
}
