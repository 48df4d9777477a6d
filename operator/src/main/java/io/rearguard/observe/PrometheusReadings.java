package io.rearguard.observe;

import io.rearguard.analysis.PrometheusClient;
import io.rearguard.analysis.QueryResult;
import io.rearguard.decide.Reading;

/** Adapts the Prometheus client, with its timeouts, retries and breaker, to signal readings. */
public final class PrometheusReadings implements SignalObserver.Prometheus {
  private final PrometheusClient client;

  public PrometheusReadings(PrometheusClient client) {
    this.client = client;
  }

  @Override
  public Reading query(String address, String promql) {
    QueryResult result = client.query(address, promql);
    return switch (result.kind()) {
      case VALUE -> Reading.value(result.value(), promql);
      case NO_DATA -> Reading.noData(result.message(), promql);
      case ERROR -> Reading.error(result.message(), promql);
    };
  }
}
