package io.rearguard.cli;

import io.rearguard.api.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations written as in Rollout specs, such as 30s, 2m or 1m30s. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      Duration duration = Durations.parse(value);
      if (duration.isZero()) {
        throw new TypeConversionException("must be longer than 0s, got '" + value + "'");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
