package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TrafficLoopTest {

  private static final RolloutId SHOP = new RolloutId("demo", "shop");
  private static final RevisionWeight STABLE =
      new RevisionWeight("v1", "registry.example/app:v1", 3, 0.75);
  private static final RevisionWeight CANARY =
      new RevisionWeight("v2", "registry.example/app:v2", 1, 0.25);

  private final AtomicReference<List<TrafficSplit>> splits =
      new AtomicReference<>(List.of(new TrafficSplit(SHOP, List.of(STABLE, CANARY))));
  private final FaultRegistry faults = new FaultRegistry();
  private final SimulatorMetrics metrics = new SimulatorMetrics(new PrometheusRegistry());
  private final TrafficLoop loop =
      new TrafficLoop(splits::get, new RequestGenerator(faults, new Random(5)), metrics, 50);

  private double requests(RevisionWeight revision) {
    return metrics.requestCount(SHOP, revision, 200) + metrics.requestCount(SHOP, revision, 500);
  }

  @Test
  void oneSecondSendsConfiguredRate() {
    loop.advance(1.0);

    assertThat(requests(STABLE) + requests(CANARY)).isEqualTo(50);
  }

  @Test
  void fractionsCarryOverBetweenTicks() {
    for (int i = 0; i < 100; i++) {
      loop.advance(0.01);
    }

    assertThat(requests(STABLE) + requests(CANARY)).isEqualTo(50);
  }

  @Test
  void longPauseIsCappedAtOneTick() {
    loop.advance(30);

    assertThat(requests(STABLE) + requests(CANARY)).isEqualTo(50 * TrafficLoop.MAX_TICK_SECONDS);
  }

  @Test
  void violationsFollowConfiguredRatePerRevision() {
    faults.put(new FaultRule(FaultTarget.revision("v2"), new FaultSettings(0, 0, 2.5)));

    loop.advance(1.0);
    loop.advance(1.0);

    assertThat(metrics.violationCount(SHOP, CANARY)).isEqualTo(5);
    assertThat(metrics.violationCount(SHOP, STABLE)).isZero();
  }

  @Test
  void rolloutWithoutReadyReplicasGetsNoRequests() {
    RevisionWeight notReady = new RevisionWeight("v3", "registry.example/app:v3", 0, 0);
    faults.put(new FaultRule(FaultTarget.revision("v3"), new FaultSettings(0, 0, 10)));
    splits.set(List.of(new TrafficSplit(SHOP, List.of(notReady))));

    loop.advance(1.0);

    assertThat(requests(notReady)).isZero();
    assertThat(metrics.violationCount(SHOP, notReady)).isZero();
  }

  @Test
  void eachRolloutGetsTheFullRate() {
    RolloutId cart = new RolloutId("demo", "cart");
    RevisionWeight cartRevision = new RevisionWeight("c1", "registry.example/cart:1", 1, 1.0);
    splits.set(
        List.of(
            new TrafficSplit(SHOP, List.of(STABLE, CANARY)),
            new TrafficSplit(cart, List.of(cartRevision))));

    loop.advance(1.0);

    assertThat(requests(STABLE) + requests(CANARY)).isEqualTo(50);
    assertThat(
            metrics.requestCount(cart, cartRevision, 200)
                + metrics.requestCount(cart, cartRevision, 500))
        .isEqualTo(50);
  }
}
