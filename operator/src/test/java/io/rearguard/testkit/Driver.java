package io.rearguard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Action;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.Decision;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Observation.PendingCommand;
import io.rearguard.decide.Observation.RevisionState;
import io.rearguard.decide.Observation.TakenMeasurement;
import io.rearguard.decide.RolloutDecider;
import io.rearguard.decide.SignalReadings;
import io.rearguard.decide.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Simulates the cluster around the decider. Each pass observes the simulated ReplicaSets, calls
 * {@link RolloutDecider#decide}, applies the actions and stores the returned status on the Rollout,
 * as the reconciler would.
 *
 * <p>A scale-down removes ready pods at once. A scale-up makes pods ready at the end of the pass,
 * by at most {@link #readyPerPass} pods per revision, and never for a revision marked with {@link
 * #neverReady}. After each pass the driver records how many revisions had ready pods and the total
 * ready pods, so tests can check the invariants over a whole run.
 */
public final class Driver {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock;
  private Rollout rollout;
  private String desiredRevision;
  private final Map<String, ReplicaSet> replicaSets = new TreeMap<>();
  private final Set<String> neverReady = new HashSet<>();
  private int readyPerPass = Integer.MAX_VALUE;
  private Duration tick = Duration.ofSeconds(5);
  private final List<PendingCommand> pendingCommands = new ArrayList<>();
  private final List<TakenMeasurement> queuedMeasurements = new ArrayList<>();
  private Function<AnalysisSchedule.DueMetric, MeasurementOutcome> measurementOutcomes;
  private Function<Rollout, SignalReadings> signalAnswers = rollout -> SignalReadings.NONE;
  private Function<String, io.rearguard.decide.PolicyCheck> policyVerdicts;
  private final Map<String, Action.CompleteCommand> completedCommands = new LinkedHashMap<>();
  private final List<Transition> transitions = new ArrayList<>();
  private Decision lastDecision;
  private int commandCount;
  private int passes;
  private int maxServingRevisions;
  private int minReadyAfterActions = Integer.MAX_VALUE;
  private boolean capacityReached;

  /** Simulated ReplicaSet of one revision. */
  private static final class ReplicaSet {
    int specReplicas;
    int readyReplicas;
    final Instant created;

    ReplicaSet(Instant created) {
      this.created = created;
    }
  }

  public Driver(Rollout rollout, String desiredRevision, MutableClock clock) {
    this.rollout = rollout;
    this.desiredRevision = desiredRevision;
    this.clock = clock;
  }

  /** Returns a driver whose first revision has been deployed and reached Healthy. */
  public static Driver healthy(Rollout rollout, String revision, MutableClock clock) {
    Driver driver = new Driver(rollout, revision, clock);
    driver.runUntil(d -> d.isHealthy(), 10);
    return driver;
  }

  /** Sets how many pods of a revision become ready per pass; the default is all of them. */
  public Driver readyPerPass(int pods) {
    this.readyPerPass = pods;
    return this;
  }

  /** Keeps a revision's pods from ever becoming ready. */
  public Driver neverReady(String revision) {
    neverReady.add(revision);
    return this;
  }

  /** Sets how far the clock moves after each pass of {@link #step}. */
  public Driver tick(Duration tick) {
    this.tick = tick;
    return this;
  }

  /**
   * Measures every metric that {@link AnalysisSchedule#due} lists, with the outcome chosen by
   * {@code outcomes}. Null stops automatic measurements.
   */
  public Driver measureDueWith(Function<AnalysisSchedule.DueMetric, MeasurementOutcome> outcomes) {
    this.measurementOutcomes = outcomes;
    return this;
  }

  /** Sets the source of each pass's readings, such as a {@link SignalAnswers}. */
  public Driver answerSignalsWith(Function<Rollout, SignalReadings> answers) {
    this.signalAnswers = answers;
    return this;
  }

  /** Sets the policy verdicts of each pass, from the desired revision; null: no policy applies. */
  public Driver policiesWith(Function<String, io.rearguard.decide.PolicyCheck> verdicts) {
    this.policyVerdicts = verdicts;
    return this;
  }

  /** Adds a measurement to the next pass only. */
  public Driver queueMeasurement(TakenMeasurement measurement) {
    queuedMeasurements.add(measurement);
    return this;
  }

  /**
   * Changes the pod template, so the spec generation grows by one and the template hashes to
   * revision.
   */
  public Driver changeTemplate(String revision) {
    desiredRevision = revision;
    rollout.getMetadata().setGeneration(rollout.getMetadata().getGeneration() + 1);
    rollout
        .getSpec()
        .template
        .getSpec()
        .getContainers()
        .get(0)
        .setImage("registry.local/" + revision);
    return this;
  }

  /** Creates a pending command with a unique name, UID and reason, and returns its name. */
  public String command(RolloutCommandSpec.Action action) {
    return command(action, "reason " + (commandCount + 1), "alice");
  }

  /** Creates a pending command created now, and returns its name. */
  public String command(RolloutCommandSpec.Action action, String reason, String requestedBy) {
    commandCount++;
    String name = action.wireName() + "-" + commandCount;
    pendingCommands.add(
        new PendingCommand(name, "uid-" + name, action, reason, requestedBy, clock.instant()));
    return name;
  }

  /** Moves the clock. */
  public Driver advance(Duration duration) {
    clock.advance(duration);
    return this;
  }

  /**
   * Simulates a restart of the operator: the Rollout is read back from its JSON form, so only what
   * the last status write stored survives.
   */
  public Driver restartFromStoredStatus() {
    try {
      rollout = JSON.readValue(JSON.writeValueAsBytes(rollout), Rollout.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot round-trip the Rollout through JSON", e);
    }
    return this;
  }

  /** Returns the observation the next pass would hand to the decider, without measurements. */
  public Observation observe() {
    Map<String, RevisionState> states = new LinkedHashMap<>();
    replicaSets.forEach(
        (revision, rs) ->
            states.put(
                revision,
                new RevisionState(revision, true, rs.specReplicas, rs.readyReplicas, rs.created)));
    return new Observation(desiredRevision, states, List.of(), pendingCommands);
  }

  /**
   * Returns the observation for the next pass: the simulated ReplicaSets, pending commands, queued
   * measurements, the signal readings and, when {@link #measureDueWith} is set, one measurement per
   * due metric. The queued measurements are handed over, so each is observed once.
   */
  public Observation nextObservation() {
    List<TakenMeasurement> measurements = new ArrayList<>(queuedMeasurements);
    queuedMeasurements.clear();
    if (measurementOutcomes != null) {
      for (AnalysisSchedule.DueMetric due :
          AnalysisSchedule.due(rollout.getSpec(), rollout.getStatus(), clock.instant())) {
        MeasurementOutcome outcome = measurementOutcomes.apply(due);
        measurements.add(
            new TakenMeasurement(
                due.metric().name,
                due.scope(),
                due.stepIndex(),
                Observations.measurement(outcome, clock.instant())));
      }
    }
    Observation base = observe();
    SignalReadings signals = signalAnswers.apply(rollout);
    return new Observation(
        base.desiredRevision(),
        base.revisions(),
        measurements,
        base.commands(),
        signals,
        policyVerdicts == null ? null : policyVerdicts.apply(desiredRevision));
  }

  /** Runs one pass at the current time without moving the clock. */
  public Decision pass() {
    return pass(nextObservation());
  }

  /** Runs one pass on a given observation without moving the clock. */
  public Decision pass(Observation observation) {
    Decision decision = RolloutDecider.decide(rollout, observation, clock);

    apply(decision.actions());
    rollout.setStatus(decision.status());
    recordCapacity();
    makePodsReady();
    recordServing();
    transitions.addAll(decision.transitions());
    lastDecision = decision;
    passes++;
    return decision;
  }

  /** Runs one pass, then moves the clock by the tick. */
  public Decision step() {
    Decision decision = pass();
    clock.advance(tick);
    return decision;
  }

  /** Runs passes until the condition is true after a pass; fails after maxPasses without it. */
  public Driver runUntil(Predicate<Driver> condition, int maxPasses) {
    for (int i = 0; i < maxPasses; i++) {
      step();
      if (condition.test(this)) {
        return this;
      }
    }
    throw new AssertionError(
        "condition not reached after " + maxPasses + " passes; status " + describe());
  }

  /** Runs a fixed number of passes. */
  public Driver run(int count) {
    for (int i = 0; i < count; i++) {
      step();
    }
    return this;
  }

  private void apply(List<Action> decided) {
    for (Action action : decided) {
      if (action instanceof Action.ScaleRevision scale) {
        ReplicaSet rs =
            replicaSets.computeIfAbsent(scale.revision(), r -> new ReplicaSet(clock.instant()));
        rs.specReplicas = scale.replicas();
        rs.readyReplicas = Math.min(rs.readyReplicas, rs.specReplicas);
      } else if (action instanceof Action.DeleteRevision delete) {
        replicaSets.remove(delete.revision());
      } else if (action instanceof Action.CompleteCommand complete) {
        completedCommands.put(complete.name(), complete);
        pendingCommands.removeIf(command -> command.name().equals(complete.name()));
      }
    }
  }

  private void makePodsReady() {
    replicaSets.forEach(
        (revision, rs) -> {
          if (!neverReady.contains(revision) && rs.readyReplicas < rs.specReplicas) {
            long grown = (long) rs.readyReplicas + readyPerPass;
            rs.readyReplicas = (int) Math.min(rs.specReplicas, grown);
          }
        });
  }

  private void recordCapacity() {
    int ready = totalReady();
    if (capacityReached) {
      minReadyAfterActions = Math.min(minReadyAfterActions, ready);
    }
  }

  private void recordServing() {
    int serving = (int) replicaSets.values().stream().filter(rs -> rs.readyReplicas > 0).count();
    maxServingRevisions = Math.max(maxServingRevisions, serving);
    if (totalReady() >= rollout.getSpec().replicas) {
      capacityReached = true;
    }
  }

  /**
   * Returns the phase, step, message and every ReplicaSet's ready/spec pods, for failure messages.
   */
  public String describe() {
    RolloutStatus status = rollout.getStatus();
    StringBuilder text = new StringBuilder();
    if (status != null) {
      text.append(status.phase).append(" step ").append(status.step).append(": ");
      text.append(status.message);
    }
    replicaSets.forEach(
        (revision, rs) ->
            text.append("; ")
                .append(revision)
                .append(" ")
                .append(rs.readyReplicas)
                .append("/")
                .append(rs.specReplicas));
    return text.toString();
  }

  /** Returns whether the last status is Healthy. */
  public boolean isHealthy() {
    return rollout.getStatus() != null
        && rollout.getStatus().phase == io.rearguard.api.RolloutPhase.Healthy;
  }

  public Rollout rollout() {
    return rollout;
  }

  public RolloutStatus status() {
    return rollout.getStatus();
  }

  public Decision lastDecision() {
    return lastDecision;
  }

  public MutableClock clock() {
    return clock;
  }

  /** Returns the replicas requested for a revision, 0 when its ReplicaSet does not exist. */
  public int specReplicas(String revision) {
    ReplicaSet rs = replicaSets.get(revision);
    return rs == null ? 0 : rs.specReplicas;
  }

  /** Returns the ready pods of a revision, 0 when its ReplicaSet does not exist. */
  public int readyReplicas(String revision) {
    ReplicaSet rs = replicaSets.get(revision);
    return rs == null ? 0 : rs.readyReplicas;
  }

  public int totalReady() {
    return replicaSets.values().stream().mapToInt(rs -> rs.readyReplicas).sum();
  }

  /** Returns the command's result, or null while it is still pending. */
  public Action.CompleteCommand completed(String commandName) {
    return completedCommands.get(commandName);
  }

  /** Returns every transition reported since the driver started. */
  public List<Transition> transitions() {
    return transitions;
  }

  /** Returns the reasons of every transition since the driver started, in order. */
  public List<String> transitionReasons() {
    return transitions.stream().map(Transition::reason).toList();
  }

  /** Returns the maximum number of revisions that had ready pods at the end of any pass. */
  public int maxServingRevisions() {
    return maxServingRevisions;
  }

  /**
   * Returns the minimum of ready pods across all revisions right after any pass's actions were
   * applied, counted only once the rollout first had its full replicas ready.
   */
  public int minReadyAfterActions() {
    return minReadyAfterActions;
  }

  /** Returns a value as JSON, to compare statuses and actions exactly. */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
