package io.rearguard.e2e.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.CanaryStrategy;
import io.rearguard.api.LastDecision;
import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RehearsalStatus;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.Threshold;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Text of the demo's progress view: one line per visible change of a Rollout's status, one per
 * decision, one per Event and one per finished rehearsal. It does no I/O: it only formats and
 * remembers what it has shown, so the same input never prints twice.
 */
public final class ProgressView {
  private static final String ANALYSIS_STEP_SCOPE = "Step";
  private static final int MAX_ERROR_TEXT = 120;
  private static final Set<String> FINISHED_REHEARSAL = Set.of("Passed", "Failed", "Skipped");

  private final DateTimeFormatter clock;
  private final DateTimeFormatter seconds;
  private final Set<String> shownDecisions = new HashSet<>();
  private final Set<String> shownEvents = new HashSet<>();
  private final Set<String> shownRehearsals = new HashSet<>();
  private String lastStatus;

  /** Creates a view that prints times in {@code zone}. */
  public ProgressView(ZoneId zone) {
    this.clock = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(zone);
    this.seconds = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone);
  }

  /**
   * Returns the status line of a Rollout, or empty when the line would equal the previous one.
   *
   * @param observed when the status was read
   */
  public Optional<String> statusLine(Instant observed, String stage, Rollout rollout) {
    String body = statusText(rollout);
    if (body.equals(lastStatus)) {
      return Optional.empty();
    }
    lastStatus = body;
    return Optional.of(clock.format(observed) + "  " + stage + "  " + body);
  }

  /** Returns the line of a decision from status.lastDecision, or empty when already shown. */
  public Optional<String> decisionLine(String stage, LastDecision decision) {
    if (decision == null || !shownDecisions.add(decisionKey(decision.reason, decision.message))) {
      return Optional.empty();
    }
    return Optional.of(
        time(decision.time)
            + "  "
            + stage
            + "  decision "
            + decision.reason
            + " by "
            + decision.actor
            + ": "
            + decision.message);
  }

  /**
   * Returns the line of an Event, or empty when that Event was already returned or reports a
   * decision that {@link #decisionLine} returned. Events do not record the actor, so the line has
   * none.
   */
  public Optional<String> eventLine(String stage, Event event) {
    if (!shownEvents.add(eventKey(event))) {
      return Optional.empty();
    }
    if (shownDecisions.contains(decisionKey(event.getReason(), event.getMessage()))) {
      return Optional.empty();
    }
    return Optional.of(
        eventTimeText(event)
            + "  "
            + stage
            + "  event "
            + event.getType()
            + " "
            + event.getReason()
            + ": "
            + event.getMessage());
  }

  /**
   * Returns the line of the canary's finished rehearsal (Passed, Failed or Skipped), or empty while
   * it runs, when the Rollout has none, or when that rehearsal was already shown.
   */
  public Optional<String> rehearsalLine(String stage, Rollout rollout) {
    RolloutStatus status = rollout.getStatus();
    RehearsalStatus rehearsal = status == null ? null : status.rehearsal;
    if (rehearsal == null || !FINISHED_REHEARSAL.contains(rehearsal.phase)) {
      return Optional.empty();
    }
    String canary =
        status.canaryRevision != null
            ? status.canaryRevision
            : status.abort != null ? status.abort.revision : status.stableRevision;
    if (!shownRehearsals.add(canary + "\n" + rehearsal.count + "\n" + rehearsal.phase)) {
      return Optional.empty();
    }
    RehearsalSpec spec = rollout.getSpec() == null ? null : rollout.getSpec().rehearsal;
    Integer maxSeconds = spec == null ? null : spec.maxRollbackSeconds;
    return Optional.of(
        time(rehearsal.endTime)
            + "  "
            + stage
            + "  "
            + SignalsView.rehearsalText(canary, rehearsal, maxSeconds));
  }

  /** Returns one line of the history table: sequence, time, reason, actor and message. */
  public String recordLine(RolloutRecordSpec record) {
    return String.format(
        Locale.ROOT,
        "%4d  %s  %-20s  %-34s  %s",
        record.sequence,
        time(record.time),
        record.reason,
        record.actor,
        record.message);
  }

  /** Formats the status fields that the demo follows, without the time and stage. */
  static String statusText(Rollout rollout) {
    RolloutStatus status = rollout.getStatus();
    if (status == null) {
      return "no status yet";
    }
    StringBuilder text = new StringBuilder();
    text.append(status.phase == null ? "-" : status.phase.name());
    text.append("  step ").append(orDash(status.step));
    text.append("  weight ").append(status.canaryWeight == null ? 0 : status.canaryWeight);
    text.append("%  stable ")
        .append(revisionText(status.stableRevision, status.stableReadyReplicas));
    text.append("  canary ")
        .append(revisionText(status.canaryRevision, status.canaryReadyReplicas));
    if (status.pauseReason != null) {
      text.append("  paused: ").append(status.pauseReason);
    }
    if (status.abort != null) {
      text.append("  aborted: ").append(status.abort.reason);
    }
    for (String metric : metricTexts(rollout)) {
      text.append("  | ").append(metric);
    }
    for (String burn : SignalsView.burnRateTexts(status.signals)) {
      text.append("  | ").append(burn);
    }
    return text.toString();
  }

  /** Formats each analysis run's last measurement against its threshold. */
  static List<String> metricTexts(Rollout rollout) {
    List<String> texts = new ArrayList<>();
    for (MetricRun run : rollout.getStatus().analysis) {
      MetricSpec spec = findSpec(rollout, run);
      texts.add(metricText(run, spec));
    }
    return texts;
  }

  /**
   * Formats a run as, for example, {@code error-ratio 0.081 > max 0.05 Failed (1 of 3)}.
   *
   * @param spec the metric's spec, or null when the Rollout no longer has it
   */
  static String metricText(MetricRun run, MetricSpec spec) {
    String counted =
        ANALYSIS_STEP_SCOPE.equals(run.scope) && spec != null && spec.count != null
            ? " (" + run.count + " of " + spec.count + ")"
            : " (" + run.count + " taken)";
    if (run.measurements == null || run.measurements.isEmpty()) {
      return run.name + " not measured yet";
    }
    Measurement last = run.measurements.get(run.measurements.size() - 1);
    Double value = parse(last.value);
    String comparison = value == null || spec == null ? "" : comparison(value, spec.threshold);
    return run.name
        + " "
        + (value == null ? Objects.requireNonNullElse(last.value, "n/a") : number(value))
        + comparison
        + " "
        + last.outcome
        + counted
        + errorText(last);
  }

  /** Returns ": <message>" of an Error measurement, cut to a readable length, or "". */
  private static String errorText(Measurement measurement) {
    if (measurement.outcome != MeasurementOutcome.Error || measurement.message == null) {
      return "";
    }
    String message = measurement.message;
    return ": "
        + (message.length() <= MAX_ERROR_TEXT
            ? message
            : message.substring(0, MAX_ERROR_TEXT - 3) + "...");
  }

  /** Returns " > max 0.05" and the like, or "" when the threshold has no bounds. */
  static String comparison(double value, Threshold threshold) {
    if (threshold == null) {
      return "";
    }
    if (threshold.max != null && value > threshold.max) {
      return " > max " + number(threshold.max);
    }
    if (threshold.min != null && value < threshold.min) {
      return " < min " + number(threshold.min);
    }
    if (threshold.max != null) {
      return " <= max " + number(threshold.max);
    }
    if (threshold.min != null) {
      return " >= min " + number(threshold.min);
    }
    return " against condition";
  }

  /** Formats a number with at most three significant digits and no exponent: 0.0812, 250. */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static MetricSpec findSpec(Rollout rollout, MetricRun run) {
    if (rollout.getSpec() == null || rollout.getSpec().strategy == null) {
      return null;
    }
    CanaryStrategy canary = rollout.getSpec().strategy.canary;
    if (canary == null) {
      return null;
    }
    AnalysisSpec analysis = canary.analysis;
    if (ANALYSIS_STEP_SCOPE.equals(run.scope)) {
      analysis = null;
      if (run.stepIndex != null && canary.steps != null && run.stepIndex < canary.steps.size()) {
        CanaryStep step = canary.steps.get(run.stepIndex);
        analysis = step.analysis;
      }
    }
    if (analysis == null || analysis.metrics == null) {
      return null;
    }
    return analysis.metrics.stream().filter(m -> run.name.equals(m.name)).findFirst().orElse(null);
  }

  private static Double parse(String value) {
    if (value == null) {
      return null;
    }
    try {
      double parsed = Double.parseDouble(value);
      return Double.isFinite(parsed) ? parsed : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String revisionText(String revision, Integer ready) {
    if (revision == null) {
      return "-";
    }
    return revision + " (" + (ready == null ? 0 : ready) + " ready)";
  }

  private static String orDash(String text) {
    return text == null ? "-" : text;
  }

  private static String decisionKey(String reason, String message) {
    return reason + "\n" + message;
  }

  private static String eventKey(Event event) {
    String uid = event.getMetadata() == null ? null : event.getMetadata().getUid();
    return uid != null ? uid : event.getMetadata().getName();
  }

  /** Returns the best time an Event records: eventTime, lastTimestamp, then creation time. */
  static String eventTime(Event event) {
    if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
      return event.getEventTime().getTime();
    }
    if (event.getLastTimestamp() != null) {
      return event.getLastTimestamp();
    }
    if (event.getFirstTimestamp() != null) {
      return event.getFirstTimestamp();
    }
    return event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp();
  }

  private String time(String rfc3339) {
    return format(clock, rfc3339);
  }

  /**
   * Formats an Event's time to the second, padded to the width of the other lines, because the API
   * server stores firstTimestamp and lastTimestamp in whole seconds.
   */
  private String eventTimeText(Event event) {
    return format(seconds, eventTime(event)) + "    ";
  }

  private static String format(DateTimeFormatter formatter, String rfc3339) {
    if (rfc3339 == null) {
      return "unknown time";
    }
    try {
      return formatter.format(Instant.parse(rfc3339));
    } catch (DateTimeParseException e) {
      return rfc3339;
    }
  }
}
