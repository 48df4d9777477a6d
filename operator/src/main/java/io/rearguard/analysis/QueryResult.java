package io.rearguard.analysis;

import java.time.Duration;

/**
 * Result of one instant query.
 *
 * @param kind whether the query returned a usable value, nothing usable, or failed
 * @param value the sample value; NaN unless {@code kind} is {@link Kind#VALUE}
 * @param valueText the sample value as Prometheus sent it, such as {@code 0.5} or {@code +Inf};
 *     null when no sample was returned
 * @param message what was returned or why the query failed
 * @param elapsed time spent on the query, retries and backoff included
 */
public record QueryResult(
    Kind kind, double value, String valueText, String message, Duration elapsed) {

  /** Kind of query result. */
  public enum Kind {
    /** One finite sample value. */
    VALUE,
    /** An empty vector, NaN or an infinite value. */
    NO_DATA,
    /** The query failed, or its response was unreadable. */
    ERROR
  }

  static QueryResult value(double value, String valueText) {
    return new QueryResult(Kind.VALUE, value, valueText, "value " + valueText, Duration.ZERO);
  }

  static QueryResult noData(String valueText, String message) {
    return new QueryResult(Kind.NO_DATA, Double.NaN, valueText, message, Duration.ZERO);
  }

  static QueryResult error(String message) {
    return new QueryResult(Kind.ERROR, Double.NaN, null, message, Duration.ZERO);
  }

  QueryResult withElapsed(Duration elapsed) {
    return new QueryResult(kind, value, valueText, message, elapsed);
  }
}
