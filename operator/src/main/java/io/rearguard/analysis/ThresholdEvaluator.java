package io.rearguard.analysis;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.Threshold;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a measured value against a {@link Threshold}. The value must be within [min, max], where
 * both bounds are inclusive and optional, and then the optional CEL condition decides. Compiled
 * conditions are kept in a bounded LRU cache, so each expression is compiled once while it stays in
 * use.
 */
public final class ThresholdEvaluator {

  /** Default number of compiled conditions kept. */
  public static final int DEFAULT_CACHE_SIZE = 256;

  // Matches the schema's limit on Threshold.condition.
  private static final int MAX_EXPRESSION_CODE_POINTS = 1024;

  /**
   * The CEL environment: one double variable {@code value} and no macros, so an expression has no
   * loops and its evaluation work grows with its size. cel-java 0.14.0 has no runtime cost limit,
   * so the bounds are on size, nesting depth and regex program size.
   */
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(
              CelOptions.current()
                  .maxExpressionCodePointSize(MAX_EXPRESSION_CODE_POINTS)
                  .maxParseRecursionDepth(32)
                  .comprehensionMaxIterations(100)
                  .maxRegexProgramSize(1000)
                  .enableHeterogeneousNumericComparisons(true)
                  .build())
          .addVar("value", SimpleType.DOUBLE)
          .build();

  private final Map<String, Compiled> cache;

  /** Creates an evaluator that caches {@value #DEFAULT_CACHE_SIZE} compiled conditions. */
  public ThresholdEvaluator() {
    this(DEFAULT_CACHE_SIZE);
  }

  /** Creates an evaluator that caches up to {@code cacheSize} compiled conditions. */
  public ThresholdEvaluator(int cacheSize) {
    if (cacheSize < 1) {
      throw new IllegalArgumentException("cacheSize must be at least 1, got " + cacheSize);
    }
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > cacheSize;
          }
        };
  }

  /** Returns the outcome of checking {@code value} against {@code threshold}. */
  public MeasurementOutcome evaluate(Threshold threshold, double value) {
    return verdict(threshold, value).outcome();
  }

  /** Checks {@code value} against {@code threshold} and returns the outcome with its reason. */
  public Verdict verdict(Threshold threshold, double value) {
    if (threshold == null) {
      return new Verdict(MeasurementOutcome.Error, "metric has no threshold");
    }
    String valueText = format(value);
    if (!Double.isFinite(value)) {
      return new Verdict(
          MeasurementOutcome.Error, "value " + valueText + " is not a finite number");
    }
    if (threshold.max != null && value > threshold.max) {
      return new Verdict(
          MeasurementOutcome.Failed, "value " + valueText + " > max " + format(threshold.max));
    }
    if (threshold.min != null && value < threshold.min) {
      return new Verdict(
          MeasurementOutcome.Failed, "value " + valueText + " < min " + format(threshold.min));
    }
    if (threshold.condition != null) {
      return evaluateCondition(threshold.condition, value);
    }
    return new Verdict(MeasurementOutcome.Successful, "value " + valueText + bounds(threshold));
  }

  /**
   * Compiles a condition without caching it.
   *
   * @return the compile error with its line and column, or empty when the expression is valid
   */
  public static Optional<String> validateCondition(String expression) {
    if (expression == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(compile(expression).error());
  }

  private Verdict evaluateCondition(String expression, double value) {
    Compiled compiled = compiled(expression);
    if (compiled.error() != null) {
      return new Verdict(MeasurementOutcome.Error, "invalid condition: " + compiled.error());
    }
    String valueText = format(value);
    Object result;
    try {
      result = compiled.program().eval(Map.of("value", value));
    } catch (CelEvaluationException | RuntimeException e) {
      // A user's expression can fail at run time in many ways; each one is an Error measurement.
      return new Verdict(
          MeasurementOutcome.Error,
          "condition failed to evaluate for value " + valueText + ": " + e.getMessage());
    }
    if (result instanceof Boolean passed) {
      return new Verdict(
          passed ? MeasurementOutcome.Successful : MeasurementOutcome.Failed,
          "condition is " + passed + " for value " + valueText);
    }
    if (result instanceof String text) {
      switch (text) {
        case "Successful", "Failed", "Inconclusive" -> {
          return new Verdict(
              MeasurementOutcome.valueOf(text),
              "condition returned '" + text + "' for value " + valueText);
        }
        default -> {
          // Fall through to the error below.
        }
      }
    }
    return new Verdict(
        MeasurementOutcome.Error,
        "condition returned "
            + describe(result)
            + " for value "
            + valueText
            + "; expected a bool or one of 'Successful', 'Failed', 'Inconclusive'");
  }

  private Compiled compiled(String expression) {
    synchronized (cache) {
      Compiled cached = cache.get(expression);
      if (cached != null) {
        return cached;
      }
    }
    Compiled fresh = compile(expression);
    synchronized (cache) {
      cache.put(expression, fresh);
    }
    return fresh;
  }

  private static Compiled compile(String expression) {
    CelValidationResult result = CEL.compile(expression, "condition");
    if (result.hasError()) {
      return new Compiled(null, result.getErrorString());
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      CelType type = ast.getResultType();
      if (!type.equals(SimpleType.BOOL)
          && !type.equals(SimpleType.STRING)
          && !type.equals(SimpleType.DYN)) {
        return new Compiled(
            null, "condition returns " + type.name() + "; it must return a bool or a string");
      }
      CelRuntime.Program program = CEL.createProgram(ast);
      return new Compiled(program, null);
    } catch (CelValidationException | CelEvaluationException e) {
      return new Compiled(null, e.getMessage());
    }
  }

  private static String bounds(Threshold threshold) {
    if (threshold.min != null && threshold.max != null) {
      return " within [" + format(threshold.min) + ", " + format(threshold.max) + "]";
    } else if (threshold.max != null) {
      return " <= max " + format(threshold.max);
    } else if (threshold.min != null) {
      return " >= min " + format(threshold.min);
    }
    return " has no bounds";
  }

  private static String describe(Object result) {
    if (result == null) {
      return "null";
    }
    if (result instanceof String text) {
      return "'" + text + "'";
    }
    return result + " (" + result.getClass().getSimpleName() + ")";
  }

  /** Formats a number briefly: 0.062, 3 or 1.0E-7. */
  static String format(double number) {
    if (number == Math.rint(number) && Math.abs(number) < 1e15) {
      return Long.toString((long) number);
    }
    return Double.toString(number);
  }

  /** A compiled program, or the compile error. */
  private record Compiled(CelRuntime.Program program, String error) {}
}
