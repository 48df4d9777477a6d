package io.rearguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.Threshold;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThresholdEvaluatorTest {
  private final ThresholdEvaluator evaluator = new ThresholdEvaluator();

  private static Threshold threshold(Double min, Double max, String condition) {
    Threshold threshold = new Threshold();
    threshold.min = min;
    threshold.max = max;
    threshold.condition = condition;
    return threshold;
  }

  @Test
  void maxIsInclusive() {
    Threshold max = threshold(null, 0.05, null);

    assertThat(evaluator.evaluate(max, 0.05)).isEqualTo(MeasurementOutcome.Successful);
    assertThat(evaluator.evaluate(max, 0.0500001)).isEqualTo(MeasurementOutcome.Failed);
  }

  @Test
  void valueAboveMaxExplainsFailure() {
    Verdict verdict = evaluator.verdict(threshold(null, 0.05, null), 0.062);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Failed);
    assertThat(verdict.message()).isEqualTo("value 0.062 > max 0.05");
  }

  @Test
  void minIsInclusive() {
    Threshold min = threshold(0.99, null, null);

    assertThat(evaluator.evaluate(min, 0.99)).isEqualTo(MeasurementOutcome.Successful);
    assertThat(evaluator.verdict(min, 0.98))
        .isEqualTo(new Verdict(MeasurementOutcome.Failed, "value 0.98 < min 0.99"));
  }

  @Test
  void valueWithinBothBoundsIsSuccessful() {
    Verdict verdict = evaluator.verdict(threshold(1.0, 5.0, null), 3);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Successful);
    assertThat(verdict.message()).isEqualTo("value 3 within [1, 5]");
  }

  @Test
  void boundsAreCheckedBeforeCondition() {
    Verdict verdict = evaluator.verdict(threshold(null, 1.0, "true"), 2.0);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Failed);
    assertThat(verdict.message()).isEqualTo("value 2 > max 1");
  }

  @Test
  void conditionBoolDecides() {
    Threshold condition = threshold(null, null, "value < 0.5");

    assertThat(evaluator.evaluate(condition, 0.25)).isEqualTo(MeasurementOutcome.Successful);
    assertThat(evaluator.evaluate(condition, 0.75)).isEqualTo(MeasurementOutcome.Failed);
    assertThat(evaluator.verdict(condition, 0.75).message())
        .isEqualTo("condition is false for value 0.75");
  }

  @Test
  void conditionComparesDoubleWithInt() {
    Threshold condition = threshold(null, null, "value >= 1");

    assertThat(evaluator.evaluate(condition, 1.0)).isEqualTo(MeasurementOutcome.Successful);
    assertThat(evaluator.evaluate(condition, 0.5)).isEqualTo(MeasurementOutcome.Failed);
  }

  @Test
  void conditionStringResultsMapToOutcomes() {
    Threshold condition =
        threshold(
            null, null, "value < 1.0 ? 'Successful' : (value < 2.0 ? 'Inconclusive' : 'Failed')");

    assertThat(evaluator.evaluate(condition, 0.5)).isEqualTo(MeasurementOutcome.Successful);
    assertThat(evaluator.evaluate(condition, 1.5)).isEqualTo(MeasurementOutcome.Inconclusive);
    assertThat(evaluator.evaluate(condition, 2.5)).isEqualTo(MeasurementOutcome.Failed);
    assertThat(evaluator.verdict(condition, 1.5).message())
        .isEqualTo("condition returned 'Inconclusive' for value 1.5");
  }

  @Test
  void conditionOtherStringIsError() {
    Verdict verdict = evaluator.verdict(threshold(null, null, "'maybe'"), 1.0);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Error);
    assertThat(verdict.message()).startsWith("condition returned 'maybe' for value 1");
  }

  @Test
  void conditionDynamicNonStringResultIsError() {
    Verdict verdict = evaluator.verdict(threshold(null, null, "dyn(value)"), 1.5);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Error);
    assertThat(verdict.message()).startsWith("condition returned 1.5 (Double)");
  }

  @Test
  void conditionEvaluationErrorIsError() {
    Verdict verdict = evaluator.verdict(threshold(null, null, "int(value) / 0 == 1"), 3.0);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Error);
    assertThat(verdict.message()).startsWith("condition failed to evaluate for value 3: ");
    assertThat(verdict.message()).contains("/ by zero");
  }

  @Test
  void invalidConditionIsErrorWhenEvaluated() {
    Verdict verdict = evaluator.verdict(threshold(null, null, "value >"), 1.0);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Error);
    assertThat(verdict.message()).startsWith("invalid condition: ");
  }

  @Test
  void validateConditionReportsSyntaxErrorPosition() {
    Optional<String> error = ThresholdEvaluator.validateCondition("value > ");

    assertThat(error).isPresent();
    assertThat(error.get()).contains("condition:1:9");
  }

  @Test
  void validateConditionReportsUndeclaredName() {
    Optional<String> error = ThresholdEvaluator.validateCondition("value > limit");

    assertThat(error).isPresent();
    assertThat(error.get()).contains("condition:1:9").contains("limit");
  }

  @Test
  void validateConditionRejectsNonBoolResult() {
    Optional<String> error = ThresholdEvaluator.validateCondition("value * 2.0");

    assertThat(error).hasValue("condition returns double; it must return a bool or a string");
  }

  @Test
  void validateConditionRejectsMacros() {
    Optional<String> error = ThresholdEvaluator.validateCondition("[1.0].all(x, x < value)");

    assertThat(error).isPresent();
  }

  @Test
  void validateConditionRejectsOverlongExpression() {
    String expression = "value > 0.0" + " || value > 0.0".repeat(80);

    Optional<String> error = ThresholdEvaluator.validateCondition(expression);

    assertThat(expression.length()).isGreaterThan(1024);
    assertThat(error).isPresent();
  }

  @Test
  void validateConditionAcceptsValidExpressions() {
    assertThat(ThresholdEvaluator.validateCondition("value <= 0.05")).isEmpty();
    assertThat(ThresholdEvaluator.validateCondition("value > 1.0 ? 'Failed' : 'Successful'"))
        .isEmpty();
    assertThat(ThresholdEvaluator.validateCondition(null)).isEmpty();
  }

  @Test
  void smallCacheStillEvaluatesEachExpression() {
    ThresholdEvaluator tiny = new ThresholdEvaluator(1);
    Threshold below = threshold(null, null, "value < 1.0");
    Threshold above = threshold(null, null, "value > 1.0");

    for (int i = 0; i < 3; i++) {
      assertThat(tiny.evaluate(below, 0.5)).isEqualTo(MeasurementOutcome.Successful);
      assertThat(tiny.evaluate(above, 0.5)).isEqualTo(MeasurementOutcome.Failed);
    }
  }

  @Test
  void missingThresholdIsError() {
    assertThat(evaluator.evaluate(null, 1.0)).isEqualTo(MeasurementOutcome.Error);
  }

  @Test
  void nonFiniteValueIsError() {
    Verdict verdict = evaluator.verdict(threshold(null, 1.0, null), Double.NaN);

    assertThat(verdict.outcome()).isEqualTo(MeasurementOutcome.Error);
    assertThat(verdict.message()).isEqualTo("value NaN is not a finite number");
  }
}
