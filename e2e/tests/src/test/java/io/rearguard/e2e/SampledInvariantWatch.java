package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.SpecValidator;
import io.rearguard.observe.RolloutObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks the rollout invariants on a thread of its own while a drill runs, from what the API server
 * returns: ReplicaSets, Rollouts and RolloutCommands of the watched namespaces.
 *
 * <ul>
 *   <li>At most two revisions have ready pods.
 *   <li>The canary weight is 0, 100 or a step weight, so the stable revision's weight {@code 100 -
 *       canaryWeight} and the canary's add up to 100.
 *   <li>While a canary is aborted, the stable revision keeps at least its floor of ready pods, the
 *       replicas minus the canary's pods at the highest step weight, and its ready pods never
 *       decrease.
 *   <li>A command's processedTime, once set, never changes: the command was decided once.
 * </ul>
 *
 * The reads are not one snapshot, so every check uses values that hold across a status write and
 * the ReplicaSet changes that follow it.
 */
final class SampledInvariantWatch implements AutoCloseable {
  /** Replicas of every drill Rollout. */
  static final int REPLICAS = 4;

  /** Weights of the drill Rollout's steps (see {@link RolloutManifests#rollout}). */
  static final Set<Integer> STEP_WEIGHTS = Set.of(25, 50);

  /** Ready stable pods that an abort must keep: the replicas minus the canary at 50%. */
  static final int STABLE_FLOOR = REPLICAS - (int) Math.ceil(REPLICAS * 50 / 100.0);

  private final KubernetesClient client;
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<String, String> processedTimes = new ConcurrentHashMap<>();
  private final Map<String, Integer> abortedStableRequested = new ConcurrentHashMap<>();
  private final AtomicInteger samples = new AtomicInteger();
  private final Sampler<Integer> sampler;

  SampledInvariantWatch(KubernetesClient client, Duration delay) {
    this.client = client;
    this.sampler = Sampler.start("invariants", delay, this::check);
  }

  void watch(String namespace) {
    namespaces.add(namespace);
  }

  /** Returns the violations found so far, each with its time and namespace. */
  List<String> violations() {
    return List.copyOf(violations);
  }

  /** Returns how many complete samples were checked. */
  int samples() {
    return samples.get();
  }

  private Integer check() {
    if (namespaces.isEmpty()) {
      return 0;
    }
    Map<String, List<ReplicaSet>> replicaSets =
        client
            .apps()
            .replicaSets()
            .inAnyNamespace()
            .withLabel(RolloutObserver.ROLLOUT_LABEL)
            .list()
            .getItems()
            .stream()
            .filter(rs -> namespaces.contains(rs.getMetadata().getNamespace()))
            .collect(Collectors.groupingBy(rs -> rs.getMetadata().getNamespace()));
    List<Rollout> rollouts =
        client.resources(Rollout.class).inAnyNamespace().list().getItems().stream()
            .filter(r -> namespaces.contains(r.getMetadata().getNamespace()))
            .toList();
    List<RolloutCommand> commands =
        client.resources(RolloutCommand.class).inAnyNamespace().list().getItems().stream()
            .filter(c -> namespaces.contains(c.getMetadata().getNamespace()))
            .toList();
    Instant now = Instant.now();
    for (var entry : replicaSets.entrySet()) {
      Set<String> serving = NamespaceReads.servingRevisions(entry.getValue());
      if (serving.size() > 2) {
        violate(now, entry.getKey(), serving.size() + " revisions have ready pods: " + serving);
      }
    }
    for (Rollout rollout : rollouts) {
      String namespace = rollout.getMetadata().getNamespace();
      checkRollout(now, rollout, replicaSets.getOrDefault(namespace, List.of()));
    }
    for (RolloutCommand command : commands) {
      checkCommand(now, command);
    }
    samples.incrementAndGet();
    return rollouts.size();
  }

  private void checkRollout(Instant now, Rollout rollout, List<ReplicaSet> replicaSets) {
    String namespace = rollout.getMetadata().getNamespace();
    RolloutStatus status = rollout.getStatus();
    if (status == null) {
      return;
    }

    Integer weight = status.canaryWeight;
    if (weight != null && weight != 0 && weight != 100 && !STEP_WEIGHTS.contains(weight)) {
      violate(now, namespace, "canary weight " + weight + " is not 0, 100 or a step weight");
    }
    if (status.phase != RolloutPhase.Aborted
        || status.abort == null
        || status.stableRevision == null) {
      return;
    }

    int stableReady = readyPods(replicaSets, status.stableRevision);
    String key = namespace + "/" + status.abort.revision + "/" + status.abort.time;
    if (stableReady < STABLE_FLOOR) {
      violate(
          now,
          namespace,
          "stable "
              + status.stableRevision
              + " has "
              + stableReady
              + " ready pods during the abort of "
              + status.abort.revision
              + ", below its floor of "
              + STABLE_FLOOR);
    }

    // The ready count comes from the ReplicaSet status, which the controller manager can update
    // late, so a shrink is judged on the replicas the operator requests.
    int stableRequested = requestedPods(replicaSets, status.stableRevision);
    Integer before = abortedStableRequested.put(key, stableRequested);
    if (before != null && stableRequested < before) {
      violate(
          now,
          namespace,
          "stable "
              + status.stableRevision
              + " went from "
              + before
              + " to "
              + stableRequested
              + " requested pods during the abort of "
              + status.abort.revision);
    }
  }

  private void checkCommand(Instant now, RolloutCommand command) {
    if (command.getStatus() == null || command.getStatus().processedTime == null) {
      return;
    }
    String uid = command.getMetadata().getUid();
    String processed = command.getStatus().processedTime;
    String before = processedTimes.putIfAbsent(uid, processed);
    if (before != null && !before.equals(processed)) {
      processedTimes.put(uid, processed);
      violate(
          now,
          command.getMetadata().getNamespace(),
          "command "
              + command.getMetadata().getName()
              + " was decided again: processedTime "
              + before
              + " then "
              + processed);
    }
  }

  private static int readyPods(List<ReplicaSet> replicaSets, String revision) {
    return sumOf(
        replicaSets,
        revision,
        rs -> rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas());
  }

  private static int requestedPods(List<ReplicaSet> replicaSets, String revision) {
    return sumOf(
        replicaSets, revision, rs -> rs.getSpec() == null ? null : rs.getSpec().getReplicas());
  }

  /** Returns the sum of a count over the ReplicaSets of a revision, a missing count being 0. */
  private static int sumOf(
      List<ReplicaSet> replicaSets, String revision, Function<ReplicaSet, Integer> count) {
    int sum = 0;
    for (ReplicaSet rs : replicaSets) {
      var labels = rs.getMetadata().getLabels();
      if (labels != null && Objects.equals(revision, labels.get(SpecValidator.REVISION_LABEL))) {
        Integer value = count.apply(rs);
        sum += value == null ? 0 : value;
      }
    }
    return sum;
  }

  private void violate(Instant now, String namespace, String message) {
    violations.add(now + " " + namespace + ": " + message);
  }

  /** Returns the processedTime each command had when first seen, by command UID. */
  Map<String, String> processedTimes() {
    return Map.copyOf(processedTimes);
  }

  @Override
  public void close() throws InterruptedException {
    sampler.close();
  }

  static List<String> firstLines(List<String> lines, int max) {
    return new ArrayList<>(lines.subList(0, Math.min(lines.size(), max)));
  }
}
