package io.rearguard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the loss of leadership when the leader cannot confirm within the renew deadline that it
 * still holds its Lease. The fabric8 LeaderElector (7.5.2) checks its renew deadline only between
 * renew attempts, so a renew request that hangs, as on a network partition, keeps the old leader
 * reconciling after another replica has taken the Lease. This check reads the Lease on threads of
 * its own and does not wait for a read that hangs.
 */
final class LeaseWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseWatchdog.class);

  private final Supplier<String> holderProbe;
  private final String identity;
  private final Duration renewDeadline;
  private final Duration period;
  private final Clock clock;
  private final Runnable onLost;
  private final AtomicBoolean lost = new AtomicBoolean();
  private final ExecutorService probes =
      Executors.newCachedThreadPool(daemon("lease-watchdog-probe"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(daemon("lease-watchdog"));
  private volatile Instant lastConfirmed;
  private Future<String> running;

  /**
   * Creates a watchdog that is idle until {@link #start}.
   *
   * @param holderProbe reads the holder identity of the Lease, or returns null when it has none
   * @param identity this process's identity in the Lease
   * @param renewDeadline maximum time without a confirmed read, shorter than the lease duration
   * @param period time between reads, and the maximum wait for one read
   * @param onLost called once when leadership is lost
   */
  LeaseWatchdog(
      Supplier<String> holderProbe,
      String identity,
      Duration renewDeadline,
      Duration period,
      Clock clock,
      Runnable onLost) {
    this.holderProbe = holderProbe;
    this.identity = identity;
    this.renewDeadline = renewDeadline;
    this.period = period;
    this.clock = clock;
    this.onLost = onLost;
  }

  /** Starts checking; call it when this process has just become the leader. */
  void start() {
    lastConfirmed = clock.instant();
    timer.scheduleWithFixedDelay(
        this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads the Lease once, waiting at most one period, and reports a loss. */
  synchronized void check() {
    if (lost.get()) {
      return;
    }
    if (running == null || running.isDone()) {
      running = probes.submit(holderProbe::get);
    }
    try {
      String holder = running.get(period.toMillis(), TimeUnit.MILLISECONDS);
      if (identity.equals(holder)) {
        lastConfirmed = clock.instant();
      } else {
        reportLost("the Lease is held by " + holder);
        return;
      }
    } catch (TimeoutException e) {
      LOG.warn("reading the leader Lease takes longer than {}", period);
    } catch (ExecutionException e) {
      LOG.warn("could not read the leader Lease: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Duration unconfirmed = Duration.between(lastConfirmed, clock.instant());
    if (unconfirmed.compareTo(renewDeadline) > 0) {
      reportLost("the Lease was not confirmed for " + unconfirmed.toMillis() + " ms");
    }
  }

  private void reportLost(String reason) {
    if (lost.compareAndSet(false, true)) {
      LOG.error("lost the leader lease: {}", reason);
      onLost.run();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    probes.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
