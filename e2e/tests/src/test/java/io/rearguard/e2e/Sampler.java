package io.rearguard.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a probe on its own thread with a fixed delay between runs and keeps every result, so that a
 * test can check an invariant over a whole transition rather than at its end.
 *
 * @param <T> result of one probe
 */
final class Sampler<T> implements AutoCloseable {
  /** One probe result and when it was taken. */
  record Sample<T>(Instant time, T value) {}

  private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

  private final List<Sample<T>> samples = new CopyOnWriteArrayList<>();
  private final String name;
  private final ScheduledExecutorService executor;

  private Sampler(String name, Duration delay, Callable<T> probe) {
    this.name = name;
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "sampler-" + name);
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(() -> take(probe), 0, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts sampling at once. {@code delay} is the pause between the end of a probe and the next.
   */
  static <T> Sampler<T> start(String name, Duration delay, Callable<T> probe) {
    return new Sampler<>(name, delay, probe);
  }

  private void take(Callable<T> probe) {
    try {
      samples.add(new Sample<>(Instant.now(), probe.call()));
    } catch (Exception e) {
      // A failed probe, such as an API timeout, leaves a gap. Tests check the number of samples.
      LOG.warn("Sampler {}: probe failed: {}", name, e.toString());
    }
  }

  /** Returns the samples so far, oldest first. */
  List<Sample<T>> samples() {
    return List.copyOf(samples);
  }

  /** Stops sampling and waits for a running probe to finish. */
  @Override
  public void close() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }
}
