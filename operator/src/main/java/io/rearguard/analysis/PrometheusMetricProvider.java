package io.rearguard.analysis;

import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.PrometheusQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Measures a metric by rendering its query, sending it to Prometheus and checking the value. */
public final class PrometheusMetricProvider implements MetricProvider {
  private final PrometheusClient client;
  private final ThresholdEvaluator evaluator;
  private final Clock clock;

  /** Creates a provider; {@code clock} sets each measurement's time and the query time. */
  public PrometheusMetricProvider(
      PrometheusClient client, ThresholdEvaluator evaluator, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Measurement measure(MetricSpec metric, QueryContext context) {
    Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Measurement measurement = new Measurement();
    measurement.time = time.toString();
    PrometheusQuery prometheus = metric.prometheus;
    if (prometheus == null || prometheus.query == null) {
      return finish(measurement, MeasurementOutcome.Error, "metric has no Prometheus query");
    }
    measurement.query = prometheus.query;
    String rendered;
    try {
      rendered = QueryTemplate.render(prometheus.query, placeholderValues(metric, context));
    } catch (IllegalArgumentException e) {
      return finish(measurement, MeasurementOutcome.Error, e.getMessage());
    }
    measurement.query = rendered;

    QueryResult result = client.query(prometheus.address, rendered, time);
    measurement.value = result.valueText();
    return switch (result.kind()) {
      case ERROR -> finish(measurement, MeasurementOutcome.Error, result.message());
      case NO_DATA -> finish(measurement, MeasurementOutcome.NoData, result.message());
      case VALUE -> {
        Verdict verdict = evaluator.verdict(metric.threshold, result.value());
        yield finish(measurement, verdict.outcome(), verdict.message());
      }
    };
  }

  /**
   * Checks a metric's query template and threshold condition without running them.
   *
   * @return human-readable problems; empty when both are valid
   */
  public static List<String> validate(MetricSpec metric) {
    List<String> problems = new ArrayList<>();
    Map<String, String> args = metric.args == null ? Map.of() : metric.args;
    for (String name : args.keySet()) {
      if (QueryTemplate.BUILT_IN_NAMES.contains(name)) {
        problems.add("args must not set the built-in placeholder '" + name + "'");
      }
    }
    if (metric.prometheus != null && metric.prometheus.query != null) {
      Set<String> known = new HashSet<>(QueryTemplate.BUILT_IN_NAMES);
      known.addAll(args.keySet());
      for (String problem : QueryTemplate.validate(metric.prometheus.query, known)) {
        problems.add("query: " + problem);
      }
    }
    if (metric.threshold != null) {
      ThresholdEvaluator.validateCondition(metric.threshold.condition)
          .ifPresent(error -> problems.add("threshold condition: " + error));
    }
    return problems;
  }

  private static Map<String, String> placeholderValues(MetricSpec metric, QueryContext context) {
    Map<String, String> values = new HashMap<>();
    if (metric.args != null) {
      for (Map.Entry<String, String> arg : metric.args.entrySet()) {
        if (QueryTemplate.BUILT_IN_NAMES.contains(arg.getKey())) {
          throw new IllegalArgumentException(
              "args must not set the built-in placeholder '" + arg.getKey() + "'");
        }
        if (arg.getValue() != null) {
          values.put(arg.getKey(), arg.getValue());
        }
      }
    }
    values.put("namespace", Objects.toString(context.namespace(), ""));
    values.put("rollout", Objects.toString(context.rollout(), ""));
    values.put("canaryRevision", Objects.toString(context.canaryRevision(), ""));
    values.put("stableRevision", Objects.toString(context.stableRevision(), ""));
    return values;
  }

  private static Measurement finish(
      Measurement measurement, MeasurementOutcome outcome, String message) {
    measurement.outcome = outcome;
    measurement.message = message;
    return measurement;
  }
}
