package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.SpecValidator;
import io.rearguard.observe.RolloutObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches every Rollout and operator-owned ReplicaSet of the tracked namespaces through informers,
 * and checks the rollout invariants on each event, so that a brief bad state between two polls is
 * not missed:
 *
 * <ul>
 *   <li>at most two revisions have ready pods;
 *   <li>the canary weight is between 0 and 100, so stable and canary weights add up to 100;
 *   <li>during an abort, the stable revision's ready pods never drop below what it had when the
 *       abort was first seen;
 *   <li>a step never advances in the same write as, or after, its analysis run was seen Failed,
 *       Error or Inconclusive;
 *   <li>while a namespace is held (a fault is active), the stable revision does not change and the
 *       canary does not move past the held step.
 * </ul>
 *
 * It also keeps every analysis measurement it saw, because the status keeps only the last ten.
 */
final class InvariantWatch implements AutoCloseable {
  /** One measurement of an analysis run, as seen in a status. */
  record SeenMeasurement(String scope, String metric, Instant time, MeasurementOutcome outcome) {}

  private static final Set<String> BAD_PHASES = Set.of("Failed", "Error", "Inconclusive");

  private final SharedIndexInformer<Rollout> rollouts;
  private final SharedIndexInformer<ReplicaSet> replicaSets;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final AtomicLong checks = new AtomicLong();

  /** State kept per tracked namespace. The instance's lock guards it. */
  private static final class Tracked {
    final String rollout;
    final List<String> violations = new CopyOnWriteArrayList<>();
    final Map<String, SeenMeasurement> measurements = new ConcurrentHashMap<>();
    String heldStable;
    Integer heldMaxStep;
    String abortedRevision;
    int abortFloor;
    String lastCanary;
    Integer lastStep;
    String lastStepRunPhase;

    Tracked(String rollout) {
      this.rollout = rollout;
    }
  }

  InvariantWatch(KubernetesClient client) {
    rollouts = client.resources(Rollout.class).inAnyNamespace().inform(handler(), 0);
    replicaSets =
        client
            .apps()
            .replicaSets()
            .inAnyNamespace()
            .withLabel(RolloutObserver.ROLLOUT_LABEL)
            .inform(handler(), 0);
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata>
      ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        check(resource.getMetadata().getNamespace());
      }

      @Override
      public void onUpdate(T before, T after) {
        check(after.getMetadata().getNamespace());
      }

      @Override
      public void onDelete(T resource, boolean finalStateUnknown) {
        check(resource.getMetadata().getNamespace());
      }
    };
  }

  /** Starts checking a namespace's Rollout. */
  void track(String namespace, String rollout) {
    tracked.put(namespace, new Tracked(rollout));
    check(namespace);
  }

  /** Requires that the stable revision stays and the canary does not pass {@code maxStep}. */
  synchronized void hold(String namespace, String stableRevision, int maxStep) {
    Tracked state = tracked.get(namespace);
    state.heldStable = stableRevision;
    state.heldMaxStep = maxStep;
  }

  /** Ends a {@link #hold}. */
  synchronized void release(String namespace) {
    Tracked state = tracked.get(namespace);
    state.heldStable = null;
    state.heldMaxStep = null;
  }

  List<String> violations(String namespace) {
    return List.copyOf(tracked.get(namespace).violations);
  }

  /** Returns the measurements seen so far in a namespace, in no particular order. */
  List<SeenMeasurement> measurements(String namespace) {
    return List.copyOf(tracked.get(namespace).measurements.values());
  }

  /** Returns the number of checks run, each on one watch event. */
  long checks() {
    return checks.get();
  }

  private synchronized void check(String namespace) {
    Tracked state = namespace == null ? null : tracked.get(namespace);
    if (state == null) {
      return;
    }
    checks.incrementAndGet();
    Rollout rollout = rollouts.getStore().getByKey(namespace + "/" + state.rollout);
    List<ReplicaSet> owned = new ArrayList<>();
    for (ReplicaSet rs : replicaSets.getStore().list()) {
      if (namespace.equals(rs.getMetadata().getNamespace())) {
        owned.add(rs);
      }
    }
    Set<String> serving = NamespaceReads.servingRevisions(owned);
    if (serving.size() > 2) {
      state.violations.add("more than two revisions serve: " + serving);
    }
    if (rollout == null || rollout.getStatus() == null) {
      return;
    }
    RolloutStatus status = rollout.getStatus();
    checkWeight(state, status);
    checkAbortFloor(state, status, owned);
    checkHold(state, status);
    checkStepGate(state, status);
    keepMeasurements(state, status);
  }

  private static void checkWeight(Tracked state, RolloutStatus status) {
    Integer weight = status.canaryWeight;
    if (weight != null && (weight < 0 || weight > 100)) {
      state.violations.add("canary weight " + weight + " outside 0..100");
    }
    if (status.canaryRevision == null && weight != null && weight != 0) {
      state.violations.add("canary weight " + weight + " without a canary revision");
    }
  }

  private static void checkAbortFloor(Tracked state, RolloutStatus status, List<ReplicaSet> owned) {
    if (status.abort == null) {
      state.abortedRevision = null;
      return;
    }
    // The ready count in a ReplicaSet status can lag behind a scale-down made before the abort,
    // so the floor is the number of pods the operator requests for the stable revision.
    int stableRequested = requestedOf(owned, status.stableRevision);
    if (!Objects.equals(state.abortedRevision, status.abort.revision)) {
      state.abortedRevision = status.abort.revision;
      state.abortFloor = stableRequested;
      return;
    }
    if (stableRequested < state.abortFloor) {
      state.violations.add(
          "stable revision "
              + status.stableRevision
              + " has "
              + stableRequested
              + " requested pods during the abort of "
              + status.abort.revision
              + ", below its floor of "
              + state.abortFloor);
    }
  }

  private static void checkHold(Tracked state, RolloutStatus status) {
    if (state.heldStable == null) {
      return;
    }
    if (!state.heldStable.equals(status.stableRevision)) {
      state.violations.add(
          "stable revision changed to " + status.stableRevision + " while a fault was active");
    }
    if (status.currentStepIndex != null && status.currentStepIndex > state.heldMaxStep) {
      state.violations.add(
          "canary moved to step index "
              + status.currentStepIndex
              + " past "
              + state.heldMaxStep
              + " while a fault was active");
    }
  }

  private static void checkStepGate(Tracked state, RolloutStatus status) {
    Integer step = status.currentStepIndex;
    boolean sameCanary =
        status.canaryRevision != null && status.canaryRevision.equals(state.lastCanary);
    boolean advanced =
        sameCanary && state.lastStep != null && (step == null || step > state.lastStep);
    if (advanced && state.lastStepRunPhase != null && BAD_PHASES.contains(state.lastStepRunPhase)) {
      state.violations.add(
          "canary "
              + status.canaryRevision
              + " left step index "
              + state.lastStep
              + " after its analysis was "
              + state.lastStepRunPhase);
    }
    state.lastCanary = status.canaryRevision;
    state.lastStep = step;
    state.lastStepRunPhase = worstStepRunPhase(status, step);
  }

  private static String worstStepRunPhase(RolloutStatus status, Integer step) {
    String worst = null;
    for (MetricRun run : status.analysis) {
      if ("Step".equals(run.scope)
          && Objects.equals(run.stepIndex, step)
          && BAD_PHASES.contains(run.phase)) {
        worst = run.phase;
      }
    }
    return worst;
  }

  private static void keepMeasurements(Tracked state, RolloutStatus status) {
    for (MetricRun run : status.analysis) {
      for (Measurement m : run.measurements) {
        if (m.time != null && m.outcome != null) {
          String key = run.scope + "/" + run.stepIndex + "/" + run.name + "/" + m.time;
          state.measurements.putIfAbsent(
              key, new SeenMeasurement(run.scope, run.name, Instant.parse(m.time), m.outcome));
        }
      }
    }
  }

  private static int requestedOf(List<ReplicaSet> owned, String revision) {
    int requested = 0;
    for (ReplicaSet rs : owned) {
      var labels = rs.getMetadata().getLabels();
      if (revision != null
          && labels != null
          && revision.equals(labels.get(SpecValidator.REVISION_LABEL))
          && rs.getSpec() != null
          && rs.getSpec().getReplicas() != null) {
        requested += rs.getSpec().getReplicas();
      }
    }
    return requested;
  }

  @Override
  public void close() {
    rollouts.close();
    replicaSets.close();
  }
}
