package io.rearguard.explore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Action;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Observation.PendingCommand;
import io.rearguard.decide.Observation.RevisionState;
import io.rearguard.decide.Observation.TakenMeasurement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One concrete state of the explored system: the Rollout status as last written, the simulated
 * ReplicaSets, the pod template's revision, the commands without a result, and the clock. Worlds
 * are never changed; every event builds a new one.
 *
 * @param statusJson the status as the last status write stored it, as JSON
 * @param replicaSets ReplicaSets by revision
 * @param desiredRevision revision the pod template hashes to
 * @param generation metadata.generation of the Rollout, raised by each template change
 * @param now the clock
 * @param pending commands that have no result yet, oldest first
 * @param lastCommand the command created last, which a redelivery or a copy repeats; null before
 *     the first
 * @param commandCount commands created so far, which keeps names and UIDs unique
 */
record World(
    String statusJson,
    Map<String, ReplicaSetState> replicaSets,
    String desiredRevision,
    long generation,
    Instant now,
    List<PendingCommand> pending,
    PendingCommand lastCommand,
    int commandCount) {

  private static final ObjectMapper JSON = new ObjectMapper();

  World {
    replicaSets = java.util.Collections.unmodifiableMap(new TreeMap<>(replicaSets));
    pending = List.copyOf(pending);
  }

  /**
   * Simulated ReplicaSet of one revision.
   *
   * @param specReplicas replicas requested by the operator
   * @param readyReplicas ready pods, at most specReplicas
   * @param created creation time, which orders the revisions that are neither stable nor canary
   */
  record ReplicaSetState(int specReplicas, int readyReplicas, Instant created) {}

  /** Returns the stored status as a new object. */
  RolloutStatus status() {
    try {
      return statusJson == null ? null : JSON.readValue(statusJson, RolloutStatus.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored status is not valid JSON: " + statusJson, e);
    }
  }

  /** Returns a Rollout with the scenario's spec, this world's generation and a status. */
  Rollout rollout(Scenario scenario, RolloutStatus status) {
    Rollout rollout = new Rollout();
    ObjectMeta template = scenario.rollout().getMetadata();
    ObjectMeta metadata = new ObjectMeta();
    metadata.setName(template.getName());
    metadata.setNamespace(template.getNamespace());
    metadata.setUid(template.getUid());
    metadata.setGeneration(generation);
    rollout.setMetadata(metadata);
    rollout.setSpec(scenario.spec());
    rollout.setStatus(status);
    return rollout;
  }

  /** Returns what the observer would report, with the given measurements and commands. */
  Observation observe(List<TakenMeasurement> measurements, List<PendingCommand> commands) {
    Map<String, RevisionState> states = new TreeMap<>();
    replicaSets.forEach(
        (revision, rs) ->
            states.put(
                revision,
                new RevisionState(
                    revision, true, rs.specReplicas(), rs.readyReplicas(), rs.created())));
    return new Observation(desiredRevision, states, measurements, commands);
  }

  int specReplicas(String revision) {
    ReplicaSetState rs = revision == null ? null : replicaSets.get(revision);
    return rs == null ? 0 : rs.specReplicas();
  }

  int readyReplicas(String revision) {
    ReplicaSetState rs = revision == null ? null : replicaSets.get(revision);
    return rs == null ? 0 : rs.readyReplicas();
  }

  int totalReady() {
    return replicaSets.values().stream().mapToInt(ReplicaSetState::readyReplicas).sum();
  }

  /**
   * Returns the world after a decision: its status is written, then the first {@code applied} of
   * its actions take effect. A scale-down removes ready pods at once, and a scale-up adds pods that
   * are not ready yet. The commands that the pass saw stay pending unless their result was written.
   * {@code last} and {@code count} become the world's last command and command count.
   */
  World afterDecision(
      String writtenStatus,
      List<Action> actions,
      int applied,
      Instant time,
      List<PendingCommand> observedCommands,
      PendingCommand last,
      int count) {
    Map<String, ReplicaSetState> sets = new TreeMap<>(replicaSets);
    List<PendingCommand> stillPending = new ArrayList<>(observedCommands);
    for (Action action : actions.subList(0, applied)) {
      if (action instanceof Action.ScaleRevision scale) {
        ReplicaSetState old = sets.get(scale.revision());
        int ready = old == null ? 0 : Math.min(old.readyReplicas(), scale.replicas());
        Instant created = old == null ? time : old.created();
        sets.put(scale.revision(), new ReplicaSetState(scale.replicas(), ready, created));
      } else if (action instanceof Action.DeleteRevision delete) {
        sets.remove(delete.revision());
      } else if (action instanceof Action.CompleteCommand complete) {
        stillPending.removeIf(command -> command.name().equals(complete.name()));
      }
    }
    return new World(
        writtenStatus, sets, desiredRevision, generation, time, stillPending, last, count);
  }

  /** Returns the world after {@code pods} more pods of a revision became ready. */
  World withReadyPods(String revision, int pods) {
    Map<String, ReplicaSetState> sets = new TreeMap<>(replicaSets);
    ReplicaSetState rs = sets.get(revision);
    int ready = Math.min(rs.specReplicas(), rs.readyReplicas() + pods);
    sets.put(revision, new ReplicaSetState(rs.specReplicas(), ready, rs.created()));
    return new World(
        statusJson, sets, desiredRevision, generation, now, pending, lastCommand, commandCount);
  }

  /** Returns the world after every requested pod became ready. */
  World withAllPodsReady() {
    Map<String, ReplicaSetState> sets = new TreeMap<>();
    replicaSets.forEach(
        (revision, rs) ->
            sets.put(
                revision, new ReplicaSetState(rs.specReplicas(), rs.specReplicas(), rs.created())));
    return new World(
        statusJson, sets, desiredRevision, generation, now, pending, lastCommand, commandCount);
  }

  /** Returns a value as JSON, to store a status and to compare decisions exactly. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON of " + value, e);
    }
  }
}
