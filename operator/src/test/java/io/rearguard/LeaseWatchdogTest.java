package io.rearguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaseWatchdogTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Duration PERIOD = Duration.ofMillis(50);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AtomicInteger lost = new AtomicInteger();

  @Test
  void hangingReadPastDeadlineReportsLoss() {
    CountDownLatch never = new CountDownLatch(1);
    try (LeaseWatchdog watchdog = watchdog(() -> awaitForever(never))) {
      watchdog.start();

      watchdog.check();
      assertThat(lost).hasValue(0);
      clock.advance(DEADLINE.plusSeconds(1));
      watchdog.check();
      watchdog.check();

      assertThat(lost).hasValue(1);
    }
  }

  @Test
  void confirmedReadsKeepLeadership() {
    try (LeaseWatchdog watchdog = watchdog(() -> "me")) {
      watchdog.start();

      for (int i = 0; i < 5; i++) {
        clock.advance(DEADLINE.minusSeconds(1));
        watchdog.check();
      }

      assertThat(lost).hasValue(0);
    }
  }

  @Test
  void otherHolderReportsLossAtOnce() {
    try (LeaseWatchdog watchdog = watchdog(() -> "other-replica")) {
      watchdog.start();

      watchdog.check();

      assertThat(lost).hasValue(1);
    }
  }

  @Test
  void failingReadsPastDeadlineReportLoss() {
    try (LeaseWatchdog watchdog =
        watchdog(
            () -> {
              throw new IllegalStateException("connection refused");
            })) {
      watchdog.start();

      watchdog.check();
      assertThat(lost).hasValue(0);
      clock.advance(DEADLINE.plusSeconds(1));
      watchdog.check();

      assertThat(lost).hasValue(1);
    }
  }

  private LeaseWatchdog watchdog(java.util.function.Supplier<String> probe) {
    // The timer also runs checks, which change nothing here: loss is reported once, on the clock.
    return new LeaseWatchdog(probe, "me", DEADLINE, PERIOD, clock, lost::incrementAndGet);
  }

  private static String awaitForever(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "me";
  }
}
