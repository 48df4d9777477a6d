package io.rearguard.api;

/** Outcome of one measurement. Only Successful counts towards passing an analysis. */
public enum MeasurementOutcome {
  /** The value met the threshold. */
  Successful,
  /** The value crossed the threshold. */
  Failed,
  /** The query failed: a timeout, a 5xx, an unreadable body or too many series. */
  Error,
  /** The threshold's condition could not decide either way. */
  Inconclusive,
  /** The query returned nothing usable: an empty result, NaN or an infinite value. */
  NoData
}
