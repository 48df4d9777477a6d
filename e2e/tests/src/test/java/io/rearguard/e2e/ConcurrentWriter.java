package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second client that keeps writing to a Rollout and its ReplicaSets while the operator works on
 * them. It updates the Rollout's labels and annotations with optimistic locking, never its spec,
 * and patches labels and annotations of the stable and canary ReplicaSets. Every {@value
 * #SCALE_EVERY} writes it scales one of them to a replica count the operator never chooses, and
 * then checks that the operator undoes it.
 */
final class ConcurrentWriter implements AutoCloseable {
  /** Label and annotation key prefix of every write, so that the writes are easy to find. */
  static final String KEY = "drill.rearguard.io/touch";

  /** Canary replicas the writer sets, above the Rollout's 4, so the operator never picks them. */
  static final int WRONG_CANARY_REPLICAS = 6;

  /** Stable replicas the writer sets, above the Rollout's 4. */
  static final int WRONG_STABLE_REPLICAS = 7;

  /** Writes between two hand-scales. */
  private static final int SCALE_EVERY = 15;

  private static final Logger LOG = LoggerFactory.getLogger(ConcurrentWriter.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String rollout;
  private final boolean scaleStable;
  private final ScheduledExecutorService executor;
  private final AtomicLong rolloutUpdates = new AtomicLong();
  private final AtomicLong replicaSetPatches = new AtomicLong();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong handScales = new AtomicLong();
  private final AtomicLong corrected = new AtomicLong();
  private long tick;
  private volatile String lastRolloutValue;
  private volatile String pendingScaleName;
  private int pendingScaleReplicas;

  private ConcurrentWriter(
      KubernetesClient client,
      String namespace,
      String rollout,
      boolean scaleStable,
      Duration period) {
    this.client = client;
    this.namespace = namespace;
    this.rollout = rollout;
    this.scaleStable = scaleStable;
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "concurrent-writer-" + namespace);
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(this::writeOnce, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts writing at once, one write per {@code period}.
   *
   * @param scaleStable whether the hand-scales also hit the stable ReplicaSet, or only the canary
   */
  static ConcurrentWriter start(
      KubernetesClient client,
      String namespace,
      String rollout,
      boolean scaleStable,
      Duration period) {
    return new ConcurrentWriter(client, namespace, rollout, scaleStable, period);
  }

  private void writeOnce() {
    tick++;
    try {
      Rollout current =
          client.resources(Rollout.class).inNamespace(namespace).withName(rollout).get();
      if (current == null || current.getStatus() == null) {
        return;
      }
      checkPendingScale();
      RolloutStatus status = current.getStatus();
      String stable = replicaSetName(status.stableRevision);
      String canary = replicaSetName(status.canaryRevision);
      if (pendingScaleName == null && tick % SCALE_EVERY == 0) {
        boolean stableTurn = scaleStable && (tick / SCALE_EVERY) % 2 == 0;
        if (stableTurn && stable != null) {
          scale(stable, WRONG_STABLE_REPLICAS);
        } else if (canary != null) {
          scale(canary, WRONG_CANARY_REPLICAS);
        }
        return;
      }
      switch ((int) (tick % 3)) {
        case 0 -> updateRolloutMetadata(current);
        case 1 -> patchReplicaSet(canary, "annotations");
        default -> patchReplicaSet(stable, "labels");
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        conflicts.incrementAndGet();
      } else {
        failures.incrementAndGet();
        LOG.warn("Concurrent write to {}/{} failed: {}", namespace, rollout, e.getMessage());
      }
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      LOG.warn("Concurrent write to {}/{} failed: {}", namespace, rollout, e.toString());
    }
  }

  private String replicaSetName(String revision) {
    return revision == null ? null : rollout + "-" + revision;
  }

  /** Replaces the Rollout with new labels and annotations, failing on a newer resourceVersion. */
  private void updateRolloutMetadata(Rollout current) {
    String value = Long.toString(tick);
    var metadata = current.getMetadata();
    var labels =
        metadata.getLabels() == null ? new HashMap<String, String>() : metadata.getLabels();
    labels.put(KEY, value);
    metadata.setLabels(labels);
    var annotations =
        metadata.getAnnotations() == null
            ? new HashMap<String, String>()
            : metadata.getAnnotations();
    annotations.put(KEY, "write " + value);
    metadata.setAnnotations(annotations);
    client.resource(current).update();
    lastRolloutValue = value;
    rolloutUpdates.incrementAndGet();
  }

  private void patchReplicaSet(String name, String field) {
    if (name == null) {
      return;
    }
    String patch = "{\"metadata\":{\"" + field + "\":{\"" + KEY + "\":\"" + tick + "\"}}}";
    client
        .apps()
        .replicaSets()
        .inNamespace(namespace)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    replicaSetPatches.incrementAndGet();
  }

  private void scale(String name, int replicas) {
    client
        .apps()
        .replicaSets()
        .inNamespace(namespace)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
    pendingScaleName = name;
    pendingScaleReplicas = replicas;
    handScales.incrementAndGet();
    LOG.info("Scaled ReplicaSet {}/{} to {} by hand", namespace, name, replicas);
  }

  /** Counts a hand-scale as corrected once the ReplicaSet requests another count or is gone. */
  private void checkPendingScale() {
    if (pendingScaleName == null) {
      return;
    }
    ReplicaSet rs =
        client.apps().replicaSets().inNamespace(namespace).withName(pendingScaleName).get();
    if (rs == null || rs.getSpec().getReplicas() != pendingScaleReplicas) {
      corrected.incrementAndGet();
      pendingScaleName = null;
    }
  }

  long rolloutUpdates() {
    return rolloutUpdates.get();
  }

  long replicaSetPatches() {
    return replicaSetPatches.get();
  }

  /** Returns the writer's own updates rejected with 409 Conflict. */
  long conflicts() {
    return conflicts.get();
  }

  /** Returns writes that failed for another reason than a conflict. */
  long failures() {
    return failures.get();
  }

  long handScales() {
    return handScales.get();
  }

  /** Returns the hand-scales the operator has undone so far. */
  long corrected() {
    return corrected.get();
  }

  /** Returns whether a hand-scale still waits for the operator. */
  boolean scalePending() {
    return pendingScaleName != null;
  }

  /** Returns the label value of the last accepted Rollout update, or null before the first. */
  String lastRolloutValue() {
    return lastRolloutValue;
  }

  /**
   * Stops writing, then keeps checking a pending hand-scale until it is undone or time runs out.
   */
  void stopWriting(Duration settle) throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + settle.toNanos();
    while (pendingScaleName != null && System.nanoTime() < deadline) {
      try {
        checkPendingScale();
      } catch (KubernetesClientException e) {
        LOG.warn("Reading ReplicaSet {} failed: {}", pendingScaleName, e.getMessage());
      }
      Thread.sleep(250);
    }
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(30, TimeUnit.SECONDS);
  }
}
