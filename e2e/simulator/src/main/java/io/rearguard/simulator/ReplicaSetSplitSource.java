package io.rearguard.simulator;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic split source that watches ReplicaSets labelled {@code rearguard.io/rollout} with a
 * fabric8 informer and weights each revision by its ready replicas.
 *
 * <p>The split is recomputed on every informer event, and each change of a rollout's split is
 * logged at INFO. While the API server is unreachable the last known split stays in effect and the
 * informer retries with backoff.
 */
public final class ReplicaSetSplitSource implements TrafficSplitSource {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetSplitSource.class);

  /** Full resync period of the informer. Watch events keep the split current in between. */
  private static final long RESYNC_MILLIS = 60_000;

  private final KubernetesClient client;
  private final String namespace;
  private final boolean ownsClient;
  private final Set<String> unlabelledReplicaSets = ConcurrentHashMap.newKeySet();

  /** Lock that serializes recomputations, which run on the informer thread and in start(). */
  private final Object recomputeLock = new Object();

  private volatile List<TrafficSplit> splits = List.of();
  private volatile SharedIndexInformer<ReplicaSet> informer;

  /**
   * Creates a source that has not started watching yet.
   *
   * @param client client used for the informer
   * @param namespace namespace to watch, or null for all namespaces
   * @param ownsClient whether {@link #close()} also closes the client
   */
  public ReplicaSetSplitSource(KubernetesClient client, String namespace, boolean ownsClient) {
    this.client = client;
    this.namespace = namespace;
    this.ownsClient = ownsClient;
  }

  /**
   * Starts the informer and blocks until its first list of ReplicaSets has arrived.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the API server cannot be
   *     reached or rejects the list request
   */
  public void start() {
    if (informer != null) {
      throw new IllegalStateException("source already started");
    }
    SharedIndexInformer<ReplicaSet> created =
        replicaSets().withLabel(RevisionState.ROLLOUT_LABEL).runnableInformer(RESYNC_MILLIS);
    created.addEventHandler(new RecomputeOnEvent());
    // fabric8 7.5's default handler gives up on a WatcherException even after the informer has
    // started. Retrying every error once started lets the split catch up when the API server
    // comes back. Errors before the first list still fail start().
    created.exceptionHandler((isStarted, error) -> isStarted);
    created
        .stopped()
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                LOG.error(
                    "ReplicaSet informer stopped, so the traffic split no longer changes", error);
              }
            });
    informer = created;
    created.run();
    recompute();
    LOG.info(
        "Watching ReplicaSets labelled {} in {}",
        RevisionState.ROLLOUT_LABEL,
        namespace == null ? "all namespaces" : "namespace " + namespace);
  }

  @Override
  public List<TrafficSplit> currentSplits() {
    return splits;
  }

  @Override
  public void close() {
    SharedIndexInformer<ReplicaSet> started = informer;
    if (started != null) {
      started.stop();
    }
    if (ownsClient) {
      client.close();
    }
  }

  private FilterWatchListDeletable<ReplicaSet, ReplicaSetList, RollableScalableResource<ReplicaSet>>
      replicaSets() {
    if (namespace == null) {
      return client.apps().replicaSets().inAnyNamespace();
    }
    return client.apps().replicaSets().inNamespace(namespace);
  }

  /** Recomputes the split from the informer's cache and logs what changed. */
  private void recompute() {
    synchronized (recomputeLock) {
      recomputeLocked();
    }
  }

  private void recomputeLocked() {
    List<RevisionState> states = new ArrayList<>();
    for (ReplicaSet replicaSet : informer.getStore().list()) {
      Optional<RevisionState> state = RevisionState.fromReplicaSet(replicaSet);
      if (state.isPresent()) {
        states.add(state.get());
      } else {
        warnOnceMissingRevision(replicaSet);
      }
    }
    List<TrafficSplit> updated = SplitCalculator.compute(states);
    logChanges(splits, updated);
    splits = updated;
  }

  private void warnOnceMissingRevision(ReplicaSet replicaSet) {
    String name =
        replicaSet.getMetadata().getNamespace() + "/" + replicaSet.getMetadata().getName();
    if (unlabelledReplicaSets.add(name)) {
      LOG.warn(
          "Ignoring ReplicaSet {}: it has label {} but no {} label",
          name,
          RevisionState.ROLLOUT_LABEL,
          RevisionState.REVISION_LABEL);
    }
  }

  private static void logChanges(List<TrafficSplit> previous, List<TrafficSplit> updated) {
    Map<RolloutId, TrafficSplit> before = SplitCalculator.byRollout(previous);
    Map<RolloutId, TrafficSplit> after = SplitCalculator.byRollout(updated);
    for (TrafficSplit split : after.values()) {
      if (!split.equals(before.get(split.rollout()))) {
        LOG.info("Traffic split of rollout {}: {}", split.rollout(), split.describe());
      }
    }
    for (RolloutId rollout : before.keySet()) {
      if (!after.containsKey(rollout)) {
        LOG.info("Rollout {} has no ReplicaSets any more; it receives no traffic", rollout);
      }
    }
  }

  /** Informer handler that recomputes the split on every add, update and delete. */
  private final class RecomputeOnEvent implements ResourceEventHandler<ReplicaSet> {

    @Override
    public void onAdd(ReplicaSet replicaSet) {
      recompute();
    }

    @Override
    public void onUpdate(ReplicaSet oldReplicaSet, ReplicaSet newReplicaSet) {
      recompute();
    }

    @Override
    public void onDelete(ReplicaSet replicaSet, boolean deletedFinalStateUnknown) {
      recompute();
    }
  }
}
