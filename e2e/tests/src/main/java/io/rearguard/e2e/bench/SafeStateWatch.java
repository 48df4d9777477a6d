package io.rearguard.e2e.bench;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.rearguard.api.Rollout;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Watches a Rollout and its canary ReplicaSet and records two times: when status.canaryWeight first
 * showed 0, and when that held together with 0 ready canary pods, which is all weight on stable.
 * Each time is when this process received the watch event.
 */
final class SafeStateWatch implements AutoCloseable {
  private final CountDownLatch safe = new CountDownLatch(1);
  private Watch rolloutWatch;
  private Watch replicaSetWatch;
  private Integer weight;
  private int canaryReady;
  private Instant weightZeroAt;
  private Instant safeAt;

  /**
   * Starts both watches.
   *
   * @param revisionLabel label of a ReplicaSet that carries its revision
   * @param canaryRevision revision of the canary whose pods must reach 0 ready
   * @param initialReady ready canary pods when the watch starts
   */
  SafeStateWatch(
      KubernetesClient client,
      String namespace,
      String rollout,
      String revisionLabel,
      String canaryRevision,
      int initialReady) {
    this.canaryReady = initialReady;
    rolloutWatch =
        client
            .resources(Rollout.class)
            .inNamespace(namespace)
            .withName(rollout)
            .watch(
                new Handler<>() {
                  @Override
                  public void eventReceived(Action action, Rollout resource) {
                    Integer value =
                        resource.getStatus() == null ? null : resource.getStatus().canaryWeight;
                    onWeight(value, Instant.now());
                  }
                });
    replicaSetWatch =
        client
            .apps()
            .replicaSets()
            .inNamespace(namespace)
            .withLabel(revisionLabel, canaryRevision)
            .watch(
                new Handler<>() {
                  @Override
                  public void eventReceived(Action action, ReplicaSet resource) {
                    int ready =
                        action == Action.DELETED
                                || resource.getStatus() == null
                                || resource.getStatus().getReadyReplicas() == null
                            ? 0
                            : resource.getStatus().getReadyReplicas();
                    onReady(ready, Instant.now());
                  }
                });
  }

  private synchronized void onWeight(Integer value, Instant at) {
    weight = value;
    if (weightZeroAt == null && value != null && value == 0) {
      weightZeroAt = at;
    }
    check(at);
  }

  private synchronized void onReady(int ready, Instant at) {
    canaryReady = ready;
    check(at);
  }

  private void check(Instant at) {
    if (safeAt == null && weight != null && weight == 0 && canaryReady == 0) {
      safeAt = at;
      safe.countDown();
    }
  }

  /** Waits until the safe state was seen, and returns false when the time limit passed first. */
  boolean awaitSafe(Duration timeout) throws InterruptedException {
    return safe.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized Instant weightZeroAt() {
    return weightZeroAt;
  }

  synchronized Instant safeAt() {
    return safeAt;
  }

  @Override
  public void close() {
    rolloutWatch.close();
    replicaSetWatch.close();
  }

  /** Watcher that only reports a closed watch, because the benchmark times out on its own. */
  private abstract static class Handler<T> implements Watcher<T> {
    @Override
    public void onClose(WatcherException cause) {
      System.err.println("watch closed: " + cause.getMessage());
    }
  }
}
