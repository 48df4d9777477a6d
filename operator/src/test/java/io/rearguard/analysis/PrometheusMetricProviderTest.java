package io.rearguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.PrometheusQuery;
import io.rearguard.api.Threshold;
import io.rearguard.testkit.FakePrometheus;
import io.rearguard.testkit.FakePrometheus.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusMetricProviderTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-05-01T12:00:00.250Z"), ZoneOffset.UTC);
  private static final QueryContext CONTEXT = new QueryContext("shop", "web", "abc12", "def34");
  private static final String ERROR_RATE =
      "sum(rate(errors{ns=\"{{namespace}}\",rev=\"{{canaryRevision}}\"}[1m]))";

  private FakePrometheus prometheus;
  private PrometheusMetricProvider provider;

  @BeforeEach
  void start() throws IOException {
    prometheus = FakePrometheus.start();
    PrometheusClient client =
        new PrometheusClient(
            CLOCK,
            PrometheusClient.Settings.defaults().withRetry(2, Duration.ofMillis(10)),
            new PrometheusRegistry());
    provider = new PrometheusMetricProvider(client, new ThresholdEvaluator(), CLOCK);
  }

  @AfterEach
  void stop() {
    prometheus.close();
  }

  private MetricSpec metric(String query, Double max) {
    MetricSpec metric = new MetricSpec();
    metric.name = "error-rate";
    metric.prometheus = new PrometheusQuery();
    metric.prometheus.address = prometheus.address();
    metric.prometheus.query = query;
    metric.threshold = new Threshold();
    metric.threshold.max = max;
    return metric;
  }

  @Test
  void valueWithinThresholdIsSuccessful() {
    prometheus.respond(Response.ok(FakePrometheus.vector("0.01")));

    Measurement measurement = provider.measure(metric(ERROR_RATE, 0.05), CONTEXT);

    assertThat(measurement.outcome).isEqualTo(MeasurementOutcome.Successful);
    assertThat(measurement.time).isEqualTo("2024-05-01T12:00:00.250Z");
    assertThat(measurement.value).isEqualTo("0.01");
    assertThat(measurement.query)
        .isEqualTo("sum(rate(errors{ns=\"shop\",rev=\"abc12\"}[1m]))")
        .isEqualTo(prometheus.lastParameter("query"));
    assertThat(prometheus.lastParameter("time")).isEqualTo("1714564800.250");
  }

  @Test
  void valueAboveMaxIsFailed() {
    prometheus.respond(Response.ok(FakePrometheus.vector("0.062")));

    Measurement measurement = provider.measure(metric(ERROR_RATE, 0.05), CONTEXT);

    assertThat(measurement.outcome).isEqualTo(MeasurementOutcome.Failed);
    assertThat(measurement.message).isEqualTo("value 0.062 > max 0.05");
  }

  @Test
  void emptyVectorIsNoData() {
    prometheus.respond(Response.ok(FakePrometheus.vector()));

    Measurement measurement = provider.measure(metric(ERROR_RATE, 0.05), CONTEXT);

    assertThat(measurement.outcome).isEqualTo(MeasurementOutcome.NoData);
    assertThat(measurement.message).isEqualTo("empty vector");
    assertThat(measurement.value).isNull();
  }

  @Test
  void infiniteValueIsNoDataWithText() {
    prometheus.respond(Response.ok(FakePrometheus.vector("+Inf")));

    Measurement measurement = provider.measure(metric(ERROR_RATE, 0.05), CONTEXT);

    assertThat(measurement.outcome).isEqualTo(MeasurementOutcome.NoData);
    assertThat(measurement.value).isEqualTo("+Inf");
  }

  @Test
  void queryErrorIsError() {
    prometheus.respond(Response.status(400, FakePrometheus.error("bad_data", "unknown function")));

    Measurement measurement = provider.measure(metric(ERROR_RATE, 0.05), CONTEXT);

    assertThat(measurement.outcome).isEqualTo(MeasurementOutcome.Error);
    assertThat(measurement.message).contains("unknown function");
  }

  @Test
  void invalidTemplateIsErrorWithoutRequest() {
    Measurement measurement = provider.measure(metric("up{a={{rollout}}}", 1.0), CONTEXT);

    assertThat(measurement.outcome).isEqualTo(MeasurementOutcome.Error);
    assertThat(measurement.message).contains("offset 5").contains("outside a double-quoted");
    assertThat(measurement.query).isEqualTo("up{a={{rollout}}}");
    assertThat(prometheus.requestCount()).isZero();
  }

  @Test
  void argsAndMissingStableRevisionAreRendered() {
    MetricSpec metric = metric("x{pod=\"{{pod}}\",stable=\"{{stableRevision}}\"}", 1.0);
    metric.args = Map.of("pod", "web-\"0\"");

    provider.measure(metric, new QueryContext("shop", "web", "abc12", null));

    assertThat(prometheus.lastParameter("query")).isEqualTo("x{pod=\"web-\\\"0\\\"\",stable=\"\"}");
  }

  @Test
  void argsRedefiningBuiltInIsError() {
    MetricSpec metric = metric(ERROR_RATE, 1.0);
    metric.args = Map.of("namespace", "other");

    Measurement measurement = provider.measure(metric, CONTEXT);

    assertThat(measurement.outcome).isEqualTo(MeasurementOutcome.Error);
    assertThat(measurement.message).contains("built-in placeholder 'namespace'");
    assertThat(prometheus.requestCount()).isZero();
  }

  @Test
  void validateListsTemplateAndConditionProblems() {
    MetricSpec metric = metric("x{a=\"{{unknown}}\"}", null);
    metric.threshold.condition = "value >";

    List<String> problems = PrometheusMetricProvider.validate(metric);

    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).startsWith("query: offset 5: unknown placeholder {{unknown}}");
    assertThat(problems.get(1)).startsWith("threshold condition: ");
  }

  @Test
  void validateAcceptsArgsPlaceholders() {
    MetricSpec metric = metric("x{a=\"{{pod}}\",b=\"{{rollout}}\"}", 1.0);
    metric.args = Map.of("pod", "web-0");

    assertThat(PrometheusMetricProvider.validate(metric)).isEmpty();
  }
}
