package io.rearguard.observe;

import static io.rearguard.testkit.Rollouts.rollout;
import static io.rearguard.testkit.SignalSpecs.freezeBelow;
import static io.rearguard.testkit.SignalSpecs.invariants;
import static io.rearguard.testkit.SignalSpecs.slo;
import static io.rearguard.testkit.SignalSpecs.trigger;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RehearsalStatus;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Reading;
import io.rearguard.decide.SignalReadings;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PromQL that the signal observer sends for canary rev-b over stable rev-a in namespace shop. */
class SignalObserverTest {
  private final MutableClock clock = new MutableClock();
  private final List<String> sent = new ArrayList<>();
  private final SignalObserver observer =
      new SignalObserver(
          (address, promql) -> {
            sent.add(promql);
            return Reading.value(1, promql);
          },
          clock);

  /** Returns a status of canary rev-b over stable rev-a, with traffic when {@code exposed}. */
  private static RolloutStatus canary(boolean exposed) {
    RolloutStatus status = new RolloutStatus();
    status.stableRevision = "reva";
    status.canaryRevision = "revb";
    status.rehearsal = new RehearsalStatus();
    status.rehearsal.phase = exposed ? "Passed" : "Checking";
    status.rehearsal.exposureAllowed = exposed;
    return status;
  }

  @Test
  void burnRatesQueryBothRevisionsOverBothWindows() {
    var rollout =
        rollout().slo(slo(99, trigger("fast", 14.4, "1h", "5m"))).status(canary(true)).build();

    observer.observe(rollout);

    assertThat(sent)
        .containsExactly(
            "sum(rate(http_requests_total{namespace=\"shop\",code=\"500\",revision=\"revb\"}[3600s]))",
            "sum(rate(http_requests_total{namespace=\"shop\",revision=\"revb\"}[3600s]))",
            "sum(rate(http_requests_total{namespace=\"shop\",code=\"500\",revision=\"revb\"}[300s]))",
            "sum(rate(http_requests_total{namespace=\"shop\",revision=\"revb\"}[300s]))",
            "sum(rate(http_requests_total{namespace=\"shop\",code=\"500\",revision=\"reva\"}[3600s]))",
            "sum(rate(http_requests_total{namespace=\"shop\",revision=\"reva\"}[3600s]))",
            "sum(rate(http_requests_total{namespace=\"shop\",code=\"500\",revision=\"reva\"}[300s]))",
            "sum(rate(http_requests_total{namespace=\"shop\",revision=\"reva\"}[300s]))");
  }

  @Test
  void invariantQueryCountsMissingCounterAsZero() {
    var rollout = rollout().invariants(invariants("double-charge")).status(canary(true)).build();

    SignalReadings readings = observer.observe(rollout);

    assertThat(sent)
        .containsExactly(
            "sum(increase(double_charge_total{namespace=\"shop\",revision=\"revb\"}[10s]))"
                + " or vector(0)");
    assertThat(readings.invariants()).hasSize(1);
  }

  @Test
  void budgetQueriesStableOverComplianceWindowBeforeTraffic() {
    var rollout = rollout().slo(freezeBelow(99, 50)).status(canary(false)).build();

    SignalReadings readings = observer.observe(rollout);

    assertThat(sent)
        .containsExactly(
            "sum(increase(http_requests_total{namespace=\"shop\",code=\"500\",revision=\"reva\"}[120s]))",
            "sum(increase(http_requests_total{namespace=\"shop\",revision=\"reva\"}[120s]))");
    assertThat(readings.budget()).isNotNull();
  }

  @Test
  void noSignalQueryBeforeTraffic() {
    Rollouts.Builder builder =
        rollout().slo(slo(99, trigger("fast", 14.4, "1h", "5m"))).invariants(invariants("lost"));

    observer.observe(builder.status(canary(false)).build());

    assertThat(sent).isEmpty();
  }

  @Test
  void selectorErrorBecomesErrorReading() {
    var spec = invariants("double-charge");
    spec.counters.get(0).selector = "a{x=\"1\"} or vector(1)";
    var rollout = rollout().invariants(spec).status(canary(true)).build();

    SignalReadings readings = observer.observe(rollout);

    assertThat(sent).isEmpty();
    assertThat(readings.invariants().get(0).increase().kind()).isEqualTo(Reading.Kind.ERROR);
  }
}
