package io.rearguard.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that moves only when a test advances it. */
public final class MutableClock extends Clock {
  /** Start time of every test clock, so that expected timestamps are easy to write. */
  public static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

  private Instant now;

  public MutableClock() {
    this(START);
  }

  public MutableClock(Instant start) {
    this.now = start;
  }

  /** Moves the clock forward by a duration. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a test clock only moves forward, got " + duration);
    }
    now = now.plus(duration);
  }

  /** Moves the clock forward by a number of seconds. */
  public void advanceSeconds(long seconds) {
    advance(Duration.ofSeconds(seconds));
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock is always UTC");
  }
}
