package io.rearguard.analysis;

import io.rearguard.api.MeasurementOutcome;

/**
 * Outcome of checking one value against a threshold, with the reason.
 *
 * @param outcome Successful, Failed, Inconclusive or Error
 * @param message the reason, such as {@code value 0.062 > max 0.05}
 */
public record Verdict(MeasurementOutcome outcome, String message) {}
