package io.rearguard.simulator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends synthetic requests at a fixed rate per rollout and records them as metrics.
 *
 * <p>Each tick turns the elapsed time into a number of requests per rollout and a number of
 * invariant violations per revision. Fractions carry over to the next tick, so low rates and short
 * ticks still add up to the configured rate. Latency is recorded, never slept.
 */
public final class TrafficLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficLoop.class);

  /**
   * Maximum interval that one tick accounts for. After a longer pause (for example a suspended
   * machine) the missed time is dropped instead of sent as one burst.
   */
  static final double MAX_TICK_SECONDS = 1.0;

  private final TrafficSplitSource splitSource;
  private final RequestGenerator generator;
  private final SimulatorMetrics metrics;
  private final double requestsPerSecond;
  private final Map<RolloutId, Double> requestCarry = new HashMap<>();
  private final Map<List<String>, Double> violationCarry = new HashMap<>();

  /** Minimum time between two logged tick failures, so a persistent fault logs once a minute. */
  private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private ScheduledExecutorService scheduler;
  private long lastTickNanos;
  private long failedTicks;
  private long lastFailureLogNanos;

  /**
   * Creates a loop that does nothing until {@link #start(Duration)}.
   *
   * @param requestsPerSecond requests sent to each rollout per second, split across its revisions
   */
  public TrafficLoop(
      TrafficSplitSource splitSource,
      RequestGenerator generator,
      SimulatorMetrics metrics,
      double requestsPerSecond) {
    if (!(requestsPerSecond > 0 && Double.isFinite(requestsPerSecond))) {
      throw new IllegalArgumentException("requestsPerSecond must be > 0: " + requestsPerSecond);
    }
    this.splitSource = splitSource;
    this.generator = generator;
    this.metrics = metrics;
    this.requestsPerSecond = requestsPerSecond;
  }

  /** Starts ticking on a background thread every {@code tickInterval}. */
  public synchronized void start(Duration tickInterval) {
    if (scheduler != null) {
      throw new IllegalStateException("traffic loop already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "simulator-traffic");
              thread.setDaemon(true);
              return thread;
            });
    lastTickNanos = System.nanoTime();
    long periodMillis = tickInterval.toMillis();
    scheduler.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  private void tick() {
    long now = System.nanoTime();
    double elapsedSeconds = (now - lastTickNanos) / 1e9;
    lastTickNanos = now;
    try {
      advance(elapsedSeconds);
    } catch (RuntimeException e) {
      // A throwing task would cancel all later ticks of the scheduled executor.
      failedTicks++;
      if (now - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NANOS || failedTicks == 1) {
        LOG.error(
            "Traffic tick failed ({} failed ticks so far), retrying on the next tick",
            failedTicks,
            e);
        lastFailureLogNanos = now;
      }
    }
  }

  /**
   * Sends the requests and reports the violations that fall into {@code elapsedSeconds}.
   *
   * <p>Only the traffic thread or a test calls this, never both.
   */
  void advance(double elapsedSeconds) {
    double seconds = Math.min(Math.max(elapsedSeconds, 0), MAX_TICK_SECONDS);
    List<TrafficSplit> splits = splitSource.currentSplits();
    for (TrafficSplit split : splits) {
      if (split.hasTraffic()) {
        sendRequests(split, seconds);
        reportViolations(split, seconds);
      }
    }
    forgetRemovedRollouts(splits);
  }

  private void sendRequests(TrafficSplit split, double seconds) {
    double due = requestCarry.getOrDefault(split.rollout(), 0.0) + requestsPerSecond * seconds;
    long count = (long) Math.floor(due);
    requestCarry.put(split.rollout(), due - count);
    for (long i = 0; i < count; i++) {
      metrics.recordRequest(generator.next(split));
    }
  }

  private void reportViolations(TrafficSplit split, double seconds) {
    for (RevisionWeight revision : split.revisions()) {
      if (revision.weight() <= 0) {
        continue;
      }
      double perSecond = generator.settingsFor(revision).invariantViolationsPerSecond();
      List<String> key = violationKey(split.rollout(), revision);
      double due = violationCarry.getOrDefault(key, 0.0) + perSecond * seconds;
      long count = (long) Math.floor(due);
      violationCarry.put(key, due - count);
      metrics.recordViolations(split.rollout(), revision, count);
    }
  }

  private void forgetRemovedRollouts(List<TrafficSplit> splits) {
    Set<RolloutId> live = splits.stream().map(TrafficSplit::rollout).collect(Collectors.toSet());
    requestCarry.keySet().retainAll(live);
    violationCarry.keySet().removeIf(key -> !live.contains(new RolloutId(key.get(0), key.get(1))));
  }

  private static List<String> violationKey(RolloutId rollout, RevisionWeight revision) {
    return List.of(rollout.namespace(), rollout.name(), revision.revision());
  }
}
