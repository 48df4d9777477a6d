package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.SignalsStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Burn-rate triggers and invariant counters on the simulator's counters, which Prometheus scrapes
 * every second. Each test uses its own images, because the simulator's faults apply by image.
 */
class SloRollbackIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** Prometheus scrape interval of the stack, from e2e/up. */
  private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

  /**
   * Time allowed from the first invariant violation to the abort seen through the API: one scrape
   * interval plus two seconds.
   */
  private static final Duration DETECT_TO_ABORT_BOUND = SCRAPE_INTERVAL.plusSeconds(2);

  /** Canaries whose detect-to-abort time is measured, one after another. */
  private static final int INVARIANT_RUNS = 3;

  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-slo-rollback-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.simulator.clearFaults();
      env.close();
    }
  }

  @Test
  void burnRateBreachRollsBack() throws Exception {
    // given a healthy v1 and a v2 image whose requests all fail
    String namespace = E2eStack.createNamespace(env.client, "burn-rate-breach");
    String slo = SignalRollouts.slo(env.stack.prometheusAddress());
    String v1 = deployHealthy(namespace, "registry.example/shop:burn-v1", slo);
    env.simulator.failRequests("registry.example/shop:burn-v2", 1.0);

    // when v2 is rolled out and serves its 25%
    env.kubectl.apply(SignalRollouts.rollout(namespace, "registry.example/shop:burn-v2", slo));

    // then the trigger fires over both windows and all traffic returns to v1
    Rollout aborted = awaitAbort(namespace);
    RolloutStatus status = aborted.getStatus();
    assertThat(status.abort.reason).isEqualTo("BurnRateExceeded");
    assertThat(status.abort.message).contains("burn-rate trigger fast fired");
    assertThat(status.canaryWeight).isZero();
    assertThat(status.stableRevision).isEqualTo(v1);
    assertThat(fast(status).outcome).isEqualTo(MeasurementOutcome.Failed);
    assertThat(fast(status).stableBurning).isFalse();
    assertThat(status.abort.message).doesNotContain("burns too");
  }

  @Test
  void stableWideBreachIsRecordedAsSuch() throws Exception {
    // given a v1 and a v2 image whose requests all fail, as a shared dependency would cause
    String namespace = E2eStack.createNamespace(env.client, "stable-wide-breach");
    String slo = SignalRollouts.slo(env.stack.prometheusAddress());
    env.simulator.failRequests("registry.example/shop:shared-v1", 1.0);
    env.simulator.failRequests("registry.example/shop:shared-v2", 1.0);
    deployHealthy(namespace, "registry.example/shop:shared-v1", slo);

    // when v2 is rolled out
    env.kubectl.apply(SignalRollouts.rollout(namespace, "registry.example/shop:shared-v2", slo));

    // then the abort records that the stable burns over both windows too
    RolloutStatus status = awaitAbort(namespace).getStatus();
    assertThat(status.abort.reason).isEqualTo("BurnRateExceeded");
    assertThat(fast(status).stableBurning).isTrue();
    assertThat(status.abort.message).contains("the stable revision burns too");
  }

  @Test
  void invariantIncreaseAbortsWithinBound() throws Exception {
    List<Duration> measured = new ArrayList<>();
    for (int run = 1; run <= INVARIANT_RUNS; run++) {
      measured.add(detectToAbort(run));
    }
    String figures =
        String.join(
            ", ",
            measured.stream()
                .map(d -> String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0))
                .toList());
    System.out.println("Invariant detect-to-abort, " + INVARIANT_RUNS + " runs: " + figures);
    assertThat(measured).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(DETECT_TO_ABORT_BOUND));
  }

  /**
   * Returns the time from the moment a canary waiting at its pause starts violating the invariant
   * to the moment the API shows it aborted with weight 0.
   */
  private static Duration detectToAbort(int run) throws Exception {
    // given a v2 canary waiting at its indefinite pause, serving traffic, with clean invariants
    String namespace = E2eStack.createNamespace(env.client, "invariant-abort-" + run);
    String invariants = SignalRollouts.invariants(env.stack.prometheusAddress());
    String canaryImage = "registry.example/shop:invariant-v2-" + run;
    deployHealthy(namespace, "registry.example/shop:invariant-v1-" + run, invariants);
    env.kubectl.apply(SignalRollouts.rollout(namespace, canaryImage, invariants));
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "v2 waits at its pause with a clean invariant evaluation",
        r ->
            "PausedByStep".equals(r.getStatus().pauseReason)
                && r.getStatus().signals != null
                && !r.getStatus().signals.invariants.isEmpty()
                && r.getStatus().signals.invariants.get(0).outcome
                    == MeasurementOutcome.Successful);
    Thread.sleep(SCRAPE_INTERVAL.multipliedBy(2).toMillis());

    // when the canary's pods start violating the invariant
    Instant violationsStart = Instant.now();
    SignalRollouts.violateInvariant(env.stack, canaryImage, 20);

    // then the API shows the abort, and the time until then is returned
    Rollout aborted = null;
    Instant seen = null;
    while (seen == null) {
      Rollout current = env.rollout(namespace, NAME);
      RolloutStatus status = current.getStatus();
      if (status.abort != null && Integer.valueOf(0).equals(status.canaryWeight)) {
        seen = Instant.now();
        aborted = current;
      } else if (Duration.between(violationsStart, Instant.now()).compareTo(TIMEOUT) > 0) {
        throw new AssertionError("no abort within " + TIMEOUT + "; status " + status.message);
      } else {
        Thread.sleep(20);
      }
    }
    assertThat(aborted.getStatus().abort.reason).isEqualTo("InvariantViolated");
    assertThat(aborted.getStatus().abort.message).contains("invariant double-charge increased");
    return Duration.between(violationsStart, seen);
  }

  private static String deployHealthy(String namespace, String image, String specBlocks)
      throws Exception {
    env.kubectl.apply(SignalRollouts.rollout(namespace, image, specBlocks));
    return env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            image + " healthy",
            r -> r.getStatus().phase == RolloutPhase.Healthy)
        .getStatus()
        .stableRevision;
  }

  private static Rollout awaitAbort(String namespace) {
    return env.awaitRollout(
        namespace, NAME, TIMEOUT, "v2 aborted", r -> r.getStatus().abort != null);
  }

  private static SignalsStatus.BurnRateStatus fast(RolloutStatus status) {
    return status.signals.burnRates.stream()
        .filter(b -> "fast".equals(b.name))
        .findFirst()
        .orElseThrow();
  }
}
