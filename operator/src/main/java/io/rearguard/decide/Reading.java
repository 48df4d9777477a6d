package io.rearguard.decide;

/**
 * One number read from Prometheus, or why there is none.
 *
 * @param kind whether a value, no data, or an error came back
 * @param value the value when kind is VALUE
 * @param message the error or the reason for no data
 * @param query the query as sent
 */
public record Reading(Kind kind, double value, String message, String query) {

  /** Kinds of query result. */
  public enum Kind {
    /** A finite number. */
    VALUE,
    /** An empty result, NaN or an infinite value. */
    NO_DATA,
    /** The query failed: timeout, 5xx, unreadable body or too many series. */
    ERROR
  }

  /** Returns a reading with a value. */
  public static Reading value(double value, String query) {
    return new Reading(Kind.VALUE, value, null, query);
  }

  /** Returns a reading without data. */
  public static Reading noData(String message, String query) {
    return new Reading(Kind.NO_DATA, Double.NaN, message, query);
  }

  /** Returns a failed reading. */
  public static Reading error(String message, String query) {
    return new Reading(Kind.ERROR, Double.NaN, message, query);
  }

  /** Returns whether the reading has a value. */
  public boolean hasValue() {
    return kind == Kind.VALUE;
  }
}
