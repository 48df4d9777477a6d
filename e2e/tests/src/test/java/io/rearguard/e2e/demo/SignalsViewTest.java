package io.rearguard.e2e.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RehearsalStatus;
import io.rearguard.api.SignalsStatus;
import org.junit.jupiter.api.Test;

class SignalsViewTest {

  @Test
  void burnRateWithOneWindowAbove() {
    SignalsStatus.BurnRateStatus burn = burn("25.00", "12.00");
    burn.outcome = MeasurementOutcome.Successful;

    assertThat(SignalsView.burnRateText(burn))
        .isEqualTo("burn-rate fast (30s/10s) canary 25/12 not both > 20: Successful");
  }

  @Test
  void burnRateWithoutDataKeepsOperatorText() {
    SignalsStatus.BurnRateStatus burn = burn("no data", "no data");
    burn.stableLong = "0.000";
    burn.stableShort = "0.000";
    burn.outcome = MeasurementOutcome.NoData;

    assertThat(SignalsView.burnRateText(burn))
        .isEqualTo(
            "burn-rate fast (30s/10s) canary no data/no data vs 20, stable 0/0 <= 20: NoData");
  }

  @Test
  void burnRateNotEvaluatedYetSaysSo() {
    SignalsStatus.BurnRateStatus burn = burn(null, null);

    assertThat(SignalsView.burnRateText(burn))
        .isEqualTo("burn-rate fast (30s/10s) canary n/a/n/a vs 20: not evaluated");
  }

  @Test
  void signalsWithoutBurnRatesGiveNoText() {
    assertThat(SignalsView.burnRateTexts(null)).isEmpty();
    assertThat(SignalsView.burnRateTexts(new SignalsStatus())).isEmpty();
  }

  @Test
  void failedRehearsalNamesFailedCheck() {
    RehearsalStatus rehearsal = rehearsal("Failed");
    rehearsal.checks.add("stable ReplicaSet exists");
    rehearsal.checks.add("FAILED drill: stable revision reached 4/5 ready pods");

    assertThat(SignalsView.rehearsalText("bbb222", rehearsal, 30))
        .isEqualTo(
            "rehearsal of canary bbb222: Drill Failed (max 30 s), failed check: drill: stable"
                + " revision reached 4/5 ready pods");
  }

  @Test
  void skippedRehearsalShowsItsMessage() {
    RehearsalStatus rehearsal = rehearsal("Skipped");
    rehearsal.mode = RehearsalSpec.Mode.Off;
    rehearsal.message = "rehearsal is off";

    assertThat(SignalsView.rehearsalText("bbb222", rehearsal, null))
        .isEqualTo("rehearsal of canary bbb222: Off Skipped: rehearsal is off");
  }

  @Test
  void passedRehearsalHasNoFailedCheck() {
    RehearsalStatus rehearsal = rehearsal("Passed");
    rehearsal.checks.add("stable ready 4/4");

    assertThat(SignalsView.failedCheck(rehearsal)).isNull();
  }

  private static SignalsStatus.BurnRateStatus burn(String canaryLong, String canaryShort) {
    SignalsStatus.BurnRateStatus burn = new SignalsStatus.BurnRateStatus();
    burn.name = "fast";
    burn.threshold = 20.0;
    burn.windows = "30s/10s";
    burn.canaryLong = canaryLong;
    burn.canaryShort = canaryShort;
    return burn;
  }

  private static RehearsalStatus rehearsal(String phase) {
    RehearsalStatus rehearsal = new RehearsalStatus();
    rehearsal.mode = RehearsalSpec.Mode.Drill;
    rehearsal.phase = phase;
    return rehearsal;
  }
}
