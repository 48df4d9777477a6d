package io.rearguard.simulator;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of the simulated traffic.
 *
 * <ul>
 *   <li>{@code simulator_requests_total{namespace, rollout, revision, image, code}}: counter of
 *       requests by status code.
 *   <li>{@code simulator_request_duration_seconds{namespace, rollout, revision}}: histogram of
 *       request latency, with classic buckets only so that {@code histogram_quantile} works.
 *   <li>{@code simulator_invariant_violations_total{namespace, rollout, revision}}: counter of
 *       invariant violations.
 * </ul>
 *
 * The counters of a revision are created at 0 when the revision is first seen, so that {@code
 * rate()} over the 500 series has data before the first error.
 */
public final class SimulatorMetrics {

  private final Counter requests;
  private final Histogram duration;
  private final Counter violations;
  private final Set<List<String>> initialized = ConcurrentHashMap.newKeySet();

  /** Creates the metrics and registers them with a registry. */
  public SimulatorMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("simulator_requests_total")
            .help("Synthetic requests by the status code they returned")
            .labelNames("namespace", "rollout", "revision", "image", "code")
            .register(registry);
    duration =
        Histogram.builder()
            .name("simulator_request_duration_seconds")
            .help("Latency of synthetic requests in seconds")
            .labelNames("namespace", "rollout", "revision")
            .classicOnly()
            .register(registry);
    violations =
        Counter.builder()
            .name("simulator_invariant_violations_total")
            .help("Invariant violations reported by a revision")
            .labelNames("namespace", "rollout", "revision")
            .register(registry);
  }

  /** Records one synthetic request. */
  public void recordRequest(SyntheticRequest request) {
    RolloutId rollout = request.rollout();
    RevisionWeight revision = request.revision();
    initialize(rollout, revision);
    requests
        .labelValues(
            rollout.namespace(),
            rollout.name(),
            revision.revision(),
            revision.image(),
            Integer.toString(request.statusCode()))
        .inc();
    duration
        .labelValues(rollout.namespace(), rollout.name(), revision.revision())
        .observe(request.latencySeconds());
  }

  /** Adds invariant violations of a revision. */
  public void recordViolations(RolloutId rollout, RevisionWeight revision, long count) {
    initialize(rollout, revision);
    if (count > 0) {
      violations.labelValues(rollout.namespace(), rollout.name(), revision.revision()).inc(count);
    }
  }

  /** Returns the request count of one series, for tests. */
  double requestCount(RolloutId rollout, RevisionWeight revision, int statusCode) {
    return requests
        .labelValues(
            rollout.namespace(),
            rollout.name(),
            revision.revision(),
            revision.image(),
            Integer.toString(statusCode))
        .get();
  }

  /** Returns the violation count of one series, for tests. */
  double violationCount(RolloutId rollout, RevisionWeight revision) {
    return violations.labelValues(rollout.namespace(), rollout.name(), revision.revision()).get();
  }

  private void initialize(RolloutId rollout, RevisionWeight revision) {
    List<String> key = List.of(rollout.namespace(), rollout.name(), revision.revision());
    if (!initialized.add(key)) {
      return;
    }
    for (String code : List.of("200", "500")) {
      requests.initLabelValues(
          rollout.namespace(), rollout.name(), revision.revision(), revision.image(), code);
    }
    violations.initLabelValues(rollout.namespace(), rollout.name(), revision.revision());
  }
}
