package io.rearguard.decide;

import static io.rearguard.testkit.SignalSpecs.error;
import static io.rearguard.testkit.SignalSpecs.noData;
import static io.rearguard.testkit.SignalSpecs.rates;
import static io.rearguard.testkit.SignalSpecs.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BurnRatesTest {

  @Test
  void errorRatioDividesErrorsByTotal() {
    // given 3 failed events per second of 200
    // when the ratio is computed
    Reading ratio = BurnRates.errorRatio(rates(3, 200));

    // then it is 3/200
    assertThat(ratio.kind()).isEqualTo(Reading.Kind.VALUE);
    assertThat(ratio.value()).isCloseTo(0.015, within(1e-12));
  }

  @Test
  void burnRateDividesRatioByBudget() {
    // given an error ratio of 1% and an objective of 99.9%, so a budget of 0.1%
    // when the burn rate is computed
    Reading burn = BurnRates.burnRate(rates(1, 100), 99.9);

    // then the budget burns ten times as fast as it may
    assertThat(burn.value()).isCloseTo(10.0, within(1e-9));
  }

  @Test
  void burnRateIsOneWhenRatioEqualsBudget() {
    Reading burn = BurnRates.burnRate(rates(5, 100), 95);

    assertThat(burn.value()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void zeroTrafficIsNoData() {
    // given no events at all in the window
    Reading burn = BurnRates.burnRate(rates(0, 0), 99);

    // then there is no burn rate, not a burn rate of 0
    assertThat(burn.kind()).isEqualTo(Reading.Kind.NO_DATA);
    assertThat(burn.message()).contains("zero traffic");
  }

  @Test
  void nanTotalIsNoData() {
    Reading burn = BurnRates.burnRate(rates(value(1), value(Double.NaN)), 99);

    assertThat(burn.kind()).isEqualTo(Reading.Kind.NO_DATA);
  }

  @Test
  void nanErrorsAreNoData() {
    Reading burn = BurnRates.burnRate(rates(value(Double.NaN), value(100)), 99);

    assertThat(burn.kind()).isEqualTo(Reading.Kind.NO_DATA);
  }

  @Test
  void infiniteTotalIsNoData() {
    Reading burn = BurnRates.burnRate(rates(value(1), value(Double.POSITIVE_INFINITY)), 99);

    assertThat(burn.kind()).isEqualTo(Reading.Kind.NO_DATA);
  }

  @Test
  void missingErrorSeriesCountsAsNoErrors() {
    // given traffic but no series of failed events at all
    Reading burn = BurnRates.burnRate(rates(noData(), value(100)), 99);

    // then nothing failed
    assertThat(burn.kind()).isEqualTo(Reading.Kind.VALUE);
    assertThat(burn.value()).isZero();
  }

  @Test
  void missingTotalSeriesIsNoData() {
    // given failed events but no series of all events
    Reading burn = BurnRates.burnRate(rates(value(1), noData()), 99);

    // then the ratio is unknown
    assertThat(burn.kind()).isEqualTo(Reading.Kind.NO_DATA);
    assertThat(burn.message()).contains("empty result");
  }

  @Test
  void failedTotalQueryStaysError() {
    Reading burn = BurnRates.burnRate(rates(value(1), error()), 99);

    assertThat(burn.kind()).isEqualTo(Reading.Kind.ERROR);
    assertThat(burn.message()).contains("timed out");
  }

  @Test
  void failedErrorQueryStaysError() {
    // given a total with a value but a failed query for the errors
    Reading burn = BurnRates.burnRate(rates(error(), value(100)), 99);

    // then the error is not taken as zero failures
    assertThat(burn.kind()).isEqualTo(Reading.Kind.ERROR);
  }

  @Test
  void failedQueryWinsOverMissingSeries() {
    Reading burn = BurnRates.burnRate(rates(error(), noData()), 99);

    assertThat(burn.kind()).isEqualTo(Reading.Kind.ERROR);
  }

  @Test
  void errorRatioIsCappedAtOne() {
    // given more failures than events, as two scrapes of different age can give
    Reading ratio = BurnRates.errorRatio(rates(120, 100));

    assertThat(ratio.value()).isEqualTo(1.0);
  }

  @Test
  void negativeErrorRateIsNoData() {
    Reading ratio = BurnRates.errorRatio(rates(-1, 100));

    assertThat(ratio.kind()).isEqualTo(Reading.Kind.NO_DATA);
  }

  @Test
  void objectiveOfHundredPercentIsError() {
    // given an objective that leaves no error budget
    Reading burn = BurnRates.burnRate(rates(0, 100), 100);

    // then no burn rate can be computed
    assertThat(burn.kind()).isEqualTo(Reading.Kind.ERROR);
    assertThat(burn.message()).contains("no error budget");
  }

  @Test
  void remainingBudgetIsFullWithoutErrors() {
    Reading remaining =
        BurnRates.remainingBudgetPercent(
            new SignalReadings.BudgetReading(value(0), value(5000)), 99);

    assertThat(remaining.value()).isCloseTo(100.0, within(1e-9));
  }

  @Test
  void remainingBudgetIsHalfAtHalfTheBudget() {
    // given 0.5% failed events against an objective of 99%
    Reading remaining =
        BurnRates.remainingBudgetPercent(
            new SignalReadings.BudgetReading(value(5), value(1000)), 99);

    // then half of the budget is left
    assertThat(remaining.value()).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void remainingBudgetIsNegativeWhenOverspent() {
    // given 5% failed events against an objective of 99%, five times the budget
    Reading remaining =
        BurnRates.remainingBudgetPercent(
            new SignalReadings.BudgetReading(value(50), value(1000)), 99);

    // then four budgets more than allowed were spent
    assertThat(remaining.value()).isCloseTo(-400.0, within(1e-9));
  }

  @Test
  void remainingBudgetWithoutTrafficIsNoData() {
    Reading remaining =
        BurnRates.remainingBudgetPercent(new SignalReadings.BudgetReading(value(0), value(0)), 99);

    assertThat(remaining.kind()).isEqualTo(Reading.Kind.NO_DATA);
  }

  @Test
  void remainingBudgetKeepsQueryError() {
    Reading remaining =
        BurnRates.remainingBudgetPercent(new SignalReadings.BudgetReading(value(0), error()), 99);

    assertThat(remaining.kind()).isEqualTo(Reading.Kind.ERROR);
  }
}
