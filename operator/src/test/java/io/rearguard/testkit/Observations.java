package io.rearguard.testkit;

import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.Observation;
import io.rearguard.decide.Observation.PendingCommand;
import io.rearguard.decide.Observation.RevisionState;
import io.rearguard.decide.Observation.TakenMeasurement;
import io.rearguard.decide.SignalReadings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds Observations: the desired revision, ReplicaSet states, measurements and commands. */
public final class Observations {
  private Observations() {}

  /** Returns a builder for an observation whose pod template hashes to {@code desired}. */
  public static Builder desired(String desired) {
    return new Builder(desired);
  }

  /**
   * Returns a measurement with a value typical of its outcome: 0.01 for Successful, 0.9 for Failed,
   * NaN for NoData and none for Error.
   */
  public static Measurement measurement(MeasurementOutcome outcome, Instant time) {
    Measurement measurement = new Measurement();
    measurement.time = time.toString();
    measurement.query = "sum(rate(http_errors_total{revision=\"rev-canary\"}[1m]))";
    measurement.outcome = outcome;
    measurement.value =
        switch (outcome) {
          case Successful -> "0.01";
          case Failed -> "0.9";
          case NoData -> "NaN";
          case Inconclusive -> "0.05";
          case Error -> null;
        };
    measurement.message = outcome + " for test";
    return measurement;
  }

  /** Returns a step analysis measurement of a metric at a step. */
  public static TakenMeasurement stepMeasurement(
      String metric, int stepIndex, MeasurementOutcome outcome, Instant time) {
    return new TakenMeasurement(
        metric, AnalysisSchedule.STEP, stepIndex, measurement(outcome, time));
  }

  /** Returns a background analysis measurement of a metric. */
  public static TakenMeasurement backgroundMeasurement(
      String metric, MeasurementOutcome outcome, Instant time) {
    return new TakenMeasurement(
        metric, AnalysisSchedule.BACKGROUND, null, measurement(outcome, time));
  }

  /** Returns a pending command named {@code name} whose UID is {@code uid-<name>}. */
  public static PendingCommand command(
      String name, RolloutCommandSpec.Action action, String requestedBy, Instant created) {
    return new PendingCommand(
        name, "uid-" + name, action, "reason of " + name, requestedBy, created);
  }

  /** Fluent builder of an Observation. */
  public static final class Builder {
    private final String desired;
    private final Map<String, RevisionState> revisions = new LinkedHashMap<>();
    private final List<TakenMeasurement> measurements = new ArrayList<>();
    private final List<PendingCommand> commands = new ArrayList<>();
    private SignalReadings signals = SignalReadings.NONE;

    private Builder(String desired) {
      this.desired = desired;
    }

    /** Adds an existing ReplicaSet created at {@link MutableClock#START}. */
    public Builder revision(String revision, int specReplicas, int readyReplicas) {
      return revision(revision, specReplicas, readyReplicas, MutableClock.START);
    }

    /** Adds an existing ReplicaSet with a creation time. */
    public Builder revision(String revision, int specReplicas, int readyReplicas, Instant created) {
      revisions.put(
          revision, new RevisionState(revision, true, specReplicas, readyReplicas, created));
      return this;
    }

    public Builder measurement(TakenMeasurement measurement) {
      measurements.add(measurement);
      return this;
    }

    public Builder command(PendingCommand command) {
      commands.add(command);
      return this;
    }

    /** Sets the SLO, invariant and budget readings of the observation. */
    public Builder signals(SignalReadings signals) {
      this.signals = signals;
      return this;
    }

    public Observation build() {
      return new Observation(desired, revisions, measurements, commands, signals);
    }
  }
}
