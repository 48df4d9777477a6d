package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Prometheus stopped with {@code e2e/prometheus-ctl} while a step analysis runs. Each query then
 * fails, and after a few failures the operator's circuit breaker for that Prometheus opens for 30
 * s, so the analysis records Error measurements for about 30 s more than the outage itself lasts.
 * The tests run in order only to save time: the abort test leaves that breaker open.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusOutageIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** Time for an analysis of {@link #TOLERANT_COUNT} measurements at 2 s, with slack. */
  private static final Duration TOLERANT_ANALYSIS_TIMEOUT = Duration.ofSeconds(180);

  /**
   * Measurements of the tolerant analysis. A step run passes only when more than half of its
   * measurements are Successful. In one run, this test's outage of about 12 s, plus the 30 s of the
   * open breaker, cost 17 Error measurements at a 2 s interval, and 48 leaves room for more.
   */
  private static final int TOLERANT_COUNT = 48;

  /**
   * Steps before the analysis. The pause gives Prometheus time to scrape the canary's first
   * requests, so that the first measurements are not NoData, which counts as an Error.
   */
  private static final String LEAD_IN = "- setWeight: 25\n- pause: {duration: 5s}\n";

  /** Index of the analysis step, after {@link #LEAD_IN}. */
  private static final int ANALYSIS_STEP = 2;

  private static OperatorStack env;
  private static PrometheusControl prometheus;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-prometheus-outage-it");
    prometheus = new PrometheusControl(env.stack);
  }

  @AfterEach
  void restorePrometheus() throws Exception {
    prometheus.start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.start();
      }
    } finally {
      if (env != null) {
        env.close();
      }
    }
  }

  @Test
  @Order(1)
  void analysisHoldsThroughOutageThenPromotes() throws Exception {
    // given a canary whose step analysis tolerates 30 consecutive errors and has measured once
    String namespace = E2eStack.createNamespace(env.client, "outage-holds");
    String steps =
        LEAD_IN
            + CanaryRollouts.errorRatioAnalysis(
                env.stack.prometheusAddress(), "2s", TOLERANT_COUNT, 30, "Abort")
            + "- setWeight: 50\n";
    String v1 = deployHealthy(namespace, steps);
    env.kubectl.apply(CanaryRollouts.rollout(namespace, "registry.example/shop:v2", 300, steps));
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "v2 analysis has a Successful measurement",
        r -> outcomes(r.getStatus()).contains(MeasurementOutcome.Successful));

    // when Prometheus is stopped
    prometheus.stop();

    // then the analysis records Error measurements and keeps the canary at step 3/4
    Rollout erring =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "two Error measurements",
            r -> countOf(outcomes(r.getStatus()), MeasurementOutcome.Error) >= 2);
    assertThat(lastMeasurement(erring.getStatus()).message).contains(env.stack.prometheusAddress());
    await("canary held at its analysis step while Prometheus is down")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              RolloutStatus status = env.rollout(namespace, NAME).getStatus();
              return Integer.valueOf(ANALYSIS_STEP).equals(status.currentStepIndex)
                  && v1.equals(status.stableRevision)
                  && status.abort == null;
            });

    // when Prometheus is back
    prometheus.start();

    // then the analysis passes and v2 is promoted
    Rollout promoted =
        env.awaitRollout(
            namespace,
            NAME,
            TOLERANT_ANALYSIS_TIMEOUT,
            "v2 promoted or aborted",
            r -> r.getStatus().abort != null || r.getStatus().phase == RolloutPhase.Healthy);
    assertThat(promoted.getStatus().abort).isNull();
    assertThat(promoted.getStatus().stableRevision).isNotEqualTo(v1);
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "StepCompleted"))
        .anyMatch(m -> m.contains("analysis passed: error-ratio"));
  }

  @Test
  @Order(2)
  void consecutiveErrorsBeyondLimitAbort() throws Exception {
    // given a canary whose step analysis tolerates two consecutive errors and has measured once
    String namespace = E2eStack.createNamespace(env.client, "outage-aborts");
    String steps =
        LEAD_IN
            + CanaryRollouts.errorRatioAnalysis(env.stack.prometheusAddress(), "1s", 20, 2, "Abort")
            + "- setWeight: 50\n";
    String v1 = deployHealthy(namespace, steps);
    env.kubectl.apply(CanaryRollouts.rollout(namespace, "registry.example/shop:v2", 300, steps));
    env.awaitRollout(
        namespace,
        NAME,
        // The breaker may still be open from an earlier outage for up to 30 s.
        TIMEOUT,
        "v2 analysis has a Successful measurement",
        r -> outcomes(r.getStatus()).contains(MeasurementOutcome.Successful));

    // when Prometheus is stopped
    prometheus.stop();

    // then the third consecutive Error aborts the canary with AnalysisError
    Rollout aborted =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 aborted",
            r -> r.getStatus().phase == RolloutPhase.Aborted);
    assertThat(aborted.getStatus().abort.reason).isEqualTo("AnalysisError");
    assertThat(aborted.getStatus().abort.message).contains("error-ratio");
    assertThat(aborted.getStatus().abort.message).contains(env.stack.prometheusAddress());
    List<MeasurementOutcome> outcomes = outcomes(aborted.getStatus());
    assertThat(outcomes.subList(outcomes.size() - 3, outcomes.size()))
        .containsOnly(MeasurementOutcome.Error);
    assertThat(aborted.getStatus().stableRevision).isEqualTo(v1);
    assertThat(aborted.getStatus().canaryWeight).isZero();
    String v2 = aborted.getStatus().abort.revision;
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "v2 scaled to zero",
        r -> NamespaceReads.specByRevision(env.client, namespace).getOrDefault(v2, 0) == 0);
    assertThat(NamespaceReads.readyByRevision(env.client, namespace)).containsEntry(v1, 4);
  }

  private static String deployHealthy(String namespace, String steps) throws Exception {
    env.kubectl.apply(CanaryRollouts.rollout(namespace, "registry.example/shop:v1", 300, steps));
    return env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v1 healthy",
            r -> r.getStatus().phase == RolloutPhase.Healthy)
        .getStatus()
        .stableRevision;
  }

  /** Returns the outcomes of the step analysis's kept measurements, oldest first. */
  private static List<MeasurementOutcome> outcomes(RolloutStatus status) {
    return stepRun(status).stream()
        .flatMap(run -> run.measurements.stream())
        .map(m -> m.outcome)
        .toList();
  }

  private static Measurement lastMeasurement(RolloutStatus status) {
    List<Measurement> measurements = stepRun(status).orElseThrow().measurements;
    return measurements.get(measurements.size() - 1);
  }

  private static java.util.Optional<MetricRun> stepRun(RolloutStatus status) {
    return status.analysis.stream()
        .filter(run -> "Step".equals(run.scope) && "error-ratio".equals(run.name))
        .findFirst();
  }

  private static long countOf(List<MeasurementOutcome> outcomes, MeasurementOutcome outcome) {
    return outcomes.stream().filter(outcome::equals).count();
  }
}
