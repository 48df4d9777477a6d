package io.rearguard.analysis;

import io.rearguard.api.Measurement;
import io.rearguard.api.MetricSpec;

/** Takes one measurement of a metric. */
public interface MetricProvider {

  /**
   * Runs the metric's query once and checks the value against its threshold. Template, query and
   * threshold problems are returned as an Error or NoData measurement and not thrown.
   */
  Measurement measure(MetricSpec metric, QueryContext context);
}
