package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rearguard.analysis.PrometheusClient;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutStatus;
import io.rearguard.e2e.faults.PrometheusFaultProxy;
import io.rearguard.e2e.faults.PrometheusFaultProxy.Mode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fault drills against Prometheus. Each drill has its own namespace, Rollout and fault proxy, so
 * the drills run in parallel and each proxy address gets its own circuit breaker in the operator. A
 * canary with a step analysis and a background analysis, both on the proxy, meets the fault after
 * its first Successful step measurement. An {@link InvariantWatch} checks the invariants on every
 * watch event, and each drill ends with the record chain verified.
 */
class PrometheusFaultDrillIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(150);
  private static final Duration DRILL_TIMEOUT = Duration.ofMinutes(5);

  /** Consecutive errors the background metric tolerates beyond the step metric's limit. */
  private static final int BACKGROUND_EXTRA_ERRORS = 2;

  /** Index of the step analysis: after {@code setWeight: 25} and a pause. */
  private static final int ANALYSIS_STEP = 2;

  /** Time a paused canary must stay paused, at its step, while the fault goes on. */
  private static final Duration HELD_PAUSE = Duration.ofSeconds(3);

  /**
   * Measurements stamped in this margin before the end of a fault are not checked, because the
   * operator stamps a measurement just before it sends the query, which may then reach the proxy
   * after the switch back to PASS.
   */
  private static final Duration END_MARGIN = Duration.ofSeconds(1);

  /** How a drill ends after the canary met the fault. */
  enum Ending {
    /** The analysis ends in Error or NoData past its limit and the canary is rolled back. */
    ABORTED,
    /** The canary pauses, and on-call aborts it with a command while the fault goes on. */
    PAUSED_THEN_ABORT_COMMAND,
    /** The canary pauses, the fault clears, and on-call resumes it so that it is promoted. */
    PAUSED_THEN_RESUME,
    /** The fault clears within the error limit and the canary goes on to promotion. */
    CLEARED_THEN_PROMOTED
  }

  /**
   * One drill.
   *
   * @param name namespace prefix and image tag
   * @param onError the analyses' onError policy
   * @param noData the metrics' noData policy
   * @param consecutiveErrorLimit consecutive Error measurements tolerated per metric
   * @param reason expected abort or pause reason, or null for a promotion
   * @param evidence text expected in the decision's message, from the failing measurement
   */
  record Drill(
      String name,
      Mode mode,
      String onError,
      String noData,
      int consecutiveErrorLimit,
      Ending ending,
      String reason,
      String evidence) {}

  /** Result of a finished drill, for the summary line. */
  record DrillReport(Drill drill, long faults, long checkedMeasurements) {}

  private static final String PROXY_ADDRESS = "<proxy address>";

  private static final List<Drill> DRILLS =
      List.of(
          new Drill(
              "refuse",
              Mode.REFUSE,
              "Abort",
              "Error",
              2,
              Ending.ABORTED,
              "AnalysisError",
              PROXY_ADDRESS),
          new Drill(
              "slow",
              Mode.SLOW,
              "Pause",
              "Error",
              1,
              Ending.PAUSED_THEN_ABORT_COMMAND,
              "AnalysisError",
              PROXY_ADDRESS),
          new Drill(
              "server-error",
              Mode.SERVER_ERROR,
              "Abort",
              "Error",
              2,
              Ending.ABORTED,
              "AnalysisError",
              PROXY_ADDRESS),
          new Drill(
              "garbage",
              Mode.GARBAGE,
              "Pause",
              "Error",
              2,
              Ending.PAUSED_THEN_RESUME,
              "AnalysisError",
              "unreadable JSON"),
          new Drill(
              "oversized",
              Mode.OVERSIZED,
              "Abort",
              "Error",
              2,
              Ending.ABORTED,
              "AnalysisError",
              "exceeds the size limit"),
          new Drill(
              "nan",
              Mode.NAN,
              "Pause",
              "Inconclusive",
              2,
              Ending.PAUSED_THEN_RESUME,
              "InconclusiveAnalysis",
              "value is NaN"),
          new Drill(
              "empty-vector",
              Mode.EMPTY_VECTOR,
              "Abort",
              "Error",
              2,
              Ending.ABORTED,
              "AnalysisError",
              "empty vector"),
          new Drill(
              "empty-brief",
              Mode.EMPTY_VECTOR,
              "Abort",
              "Error",
              6,
              Ending.CLEARED_THEN_PROMOTED,
              null,
              null));

  private static OperatorStack env;
  private static InvariantWatch watch;
  private static ExecutorService pool;
  private static Duration slowDelay;
  private static final Map<String, DrillReport> REPORTS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-prometheus-fault-drill-it");
    watch = new InvariantWatch(env.client);
    pool = Executors.newFixedThreadPool(DRILLS.size());
    // The proxy delays a SLOW request 3 s past the operator's per-attempt query timeout.
    String timeout =
        DeploymentEnvironment.read(env.stack.root().resolve("manifests/deployment.yaml"))
            .getOrDefault("REARGUARD_QUERY_TIMEOUT_SECONDS", "5");
    slowDelay = Duration.ofSeconds(Long.parseLong(timeout) + 3);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      REPORTS.values().stream()
          .sorted(java.util.Comparator.comparing(r -> r.drill().name()))
          .forEach(
              r ->
                  System.out.printf(
                      "Drill %s: %d %s faults injected, %d measurements checked%n",
                      r.drill().name(), r.faults(), r.drill().mode(), r.checkedMeasurements()));
      if (watch != null) {
        System.out.printf("Invariant checks run: %d%n", watch.checks());
        watch.close();
      }
      if (pool != null) {
        pool.shutdownNow();
      }
    } finally {
      if (env != null) {
        env.close();
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> faultDrills() {
    Map<String, Future<DrillReport>> running = new ConcurrentHashMap<>();
    for (Drill drill : DRILLS) {
      running.put(drill.name(), pool.submit(() -> run(drill)));
    }
    Stream<DynamicTest> drills =
        DRILLS.stream()
            .map(
                drill ->
                    DynamicTest.dynamicTest(
                        drill.name() + " " + expectation(drill),
                        () -> REPORTS.put(drill.name(), outcome(running.get(drill.name())))));
    Stream<DynamicTest> health =
        Stream.of(
            DynamicTest.dynamicTest(
                "operator alive and healthy after all drills",
                () -> DrillChecks.assertOperatorHealthy(env)));
    return Stream.concat(drills, health);
  }

  private static String expectation(Drill drill) {
    return switch (drill.ending()) {
      case ABORTED -> "aborts with " + drill.reason();
      case PAUSED_THEN_ABORT_COMMAND -> "pauses with " + drill.reason() + ", then abort command";
      case PAUSED_THEN_RESUME -> "pauses with " + drill.reason() + ", then resumes and promotes";
      case CLEARED_THEN_PROMOTED -> "holds through a brief fault, then promotes";
    };
  }

  private static DrillReport outcome(Future<DrillReport> future) throws Throwable {
    try {
      return future.get(DRILL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }

  private static DrillReport run(Drill drill) throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "fault-" + drill.name());
    URI prometheus = URI.create(env.stack.prometheusAddress());
    long oversize = PrometheusClient.Settings.defaults().maxResponseBytes() + 64 * 1024;
    try (PrometheusFaultProxy proxy = PrometheusFaultProxy.start(prometheus, slowDelay, oversize)) {
      // given a healthy v1 and a v2 canary whose two analyses measured through the proxy
      env.kubectl.apply(manifest(namespace, drill, "v1", proxy.address()));
      String v1 =
          env.awaitRollout(
                  namespace,
                  NAME,
                  TIMEOUT,
                  "v1 healthy",
                  r -> r.getStatus().phase == RolloutPhase.Healthy)
              .getStatus()
              .stableRevision;
      watch.track(namespace, NAME);
      env.kubectl.apply(manifest(namespace, drill, "v2", proxy.address()));
      env.awaitRollout(
          namespace,
          NAME,
          TIMEOUT,
          "v2 step and background analyses each have a Successful measurement",
          r ->
              outcomes(r.getStatus(), "Step").contains(MeasurementOutcome.Successful)
                  && outcomes(r.getStatus(), "Background").contains(MeasurementOutcome.Successful));

      // when the proxy switches to the fault
      watch.hold(namespace, v1, ANALYSIS_STEP);
      proxy.setMode(drill.mode());
      Instant faultStart = Instant.now();

      // then the canary never passes the analysis step while the fault lasts, and ends as expected
      String evidence = PROXY_ADDRESS.equals(drill.evidence()) ? proxy.address() : drill.evidence();
      Instant faultEnd =
          switch (drill.ending()) {
            case ABORTED -> awaitAborted(namespace, drill, v1, evidence);
            case PAUSED_THEN_ABORT_COMMAND -> pauseThenAbort(namespace, drill, v1, evidence);
            case PAUSED_THEN_RESUME -> pauseThenResume(namespace, drill, v1, evidence, proxy);
            case CLEARED_THEN_PROMOTED -> clearThenPromote(namespace, v1, proxy);
          };
      proxy.setMode(Mode.PASS);
      watch.release(namespace);

      long checked = assertNoSuccessDuringFault(namespace, drill, faultStart, faultEnd);
      List<RolloutRecord> records = DrillChecks.assertChainIntact(env, namespace, NAME);
      assertRecordsMatchEnding(records, drill);
      assertThat(proxy.handled(drill.mode())).as("%s faults injected", drill.mode()).isPositive();
      assertThat(watch.violations(namespace)).as("invariant violations").isEmpty();
      return new DrillReport(drill, proxy.handled(drill.mode()), checked);
    }
  }

  private static Instant awaitAborted(String namespace, Drill drill, String v1, String evidence) {
    Rollout aborted =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 aborted",
            r -> r.getStatus().phase == RolloutPhase.Aborted);
    RolloutStatus status = aborted.getStatus();
    assertThat(status.abort.reason).isEqualTo(drill.reason());
    assertThat(status.abort.message).contains(evidence);
    assertThat(status.stableRevision).isEqualTo(v1);
    assertThat(status.canaryWeight).isZero();
    String v2 = status.abort.revision;
    // The status is written before the ReplicaSets are scaled, so the pods follow shortly after.
    await("v2 scaled to zero and v1 back to 4 ready pods")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(NamespaceReads.specByRevision(env.client, namespace)).containsEntry(v2, 0);
              assertThat(NamespaceReads.readyByRevision(env.client, namespace))
                  .containsEntry(v1, 4);
            });
    return Instant.now();
  }

  private static void awaitPausedAtAnalysis(
      String namespace, Drill drill, String v1, String evidence) {
    Rollout paused =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 paused with " + drill.reason(),
            r -> drill.reason().equals(r.getStatus().pauseReason));
    RolloutStatus status = paused.getStatus();
    assertThat(status.lastDecision.reason).isEqualTo(drill.reason());
    assertThat(status.lastDecision.message).contains(evidence);
    await("v2 stays paused at its analysis step while the fault goes on")
        .during(HELD_PAUSE)
        .atMost(HELD_PAUSE.plusSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              RolloutStatus now = env.rollout(namespace, NAME).getStatus();
              return now.phase == RolloutPhase.Paused
                  && Integer.valueOf(ANALYSIS_STEP).equals(now.currentStepIndex)
                  && v1.equals(now.stableRevision);
            });
  }

  private static Instant pauseThenAbort(String namespace, Drill drill, String v1, String evidence)
      throws Exception {
    awaitPausedAtAnalysis(namespace, drill, v1, evidence);
    String command = "abort-" + drill.name();
    env.kubectl.apply(
        RolloutManifests.command(namespace, command, NAME, "abort", "Prometheus is unreliable"));
    Rollout aborted =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 aborted",
            r -> r.getStatus().phase == RolloutPhase.Aborted);
    Instant faultEnd = Instant.now();
    assertThat(aborted.getStatus().abort.reason).isEqualTo("AbortCommand");
    assertThat(aborted.getStatus().stableRevision).isEqualTo(v1);
    RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    DrillChecks.assertExecutedOnce(env, namespace, NAME, command);
    return faultEnd;
  }

  private static Instant pauseThenResume(
      String namespace, Drill drill, String v1, String evidence, PrometheusFaultProxy proxy)
      throws Exception {
    awaitPausedAtAnalysis(namespace, drill, v1, evidence);
    Instant faultEnd = Instant.now();
    proxy.setMode(Mode.PASS);
    watch.release(namespace);
    String command = "resume-" + drill.name();
    env.kubectl.apply(
        RolloutManifests.command(namespace, command, NAME, "resume", "Prometheus is back"));
    awaitPromoted(namespace, v1);
    RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    DrillChecks.assertExecutedOnce(env, namespace, NAME, command);
    return faultEnd;
  }

  private static Instant clearThenPromote(String namespace, String v1, PrometheusFaultProxy proxy) {
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "three NoData step measurements",
        r -> stepRun(r.getStatus()).map(run -> run.noData >= 3).orElse(false));
    Instant faultEnd = Instant.now();
    proxy.setMode(Mode.PASS);
    watch.release(namespace);
    Rollout promoted = awaitPromoted(namespace, v1);
    assertThat(promoted.getStatus().abort).isNull();
    return faultEnd;
  }

  private static Rollout awaitPromoted(String namespace, String v1) {
    Rollout settled =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 promoted",
            r ->
                r.getStatus().phase == RolloutPhase.Healthy
                        && !v1.equals(r.getStatus().stableRevision)
                    || r.getStatus().phase == RolloutPhase.Aborted);
    assertThat(settled.getStatus().phase)
        .as("phase after the fault cleared")
        .isEqualTo(RolloutPhase.Healthy);
    return settled;
  }

  /**
   * Checks that no measurement taken while the fault was on is Successful, and that NaN and empty
   * vector responses are recorded as NoData.
   *
   * @return the number of measurements checked
   */
  private static long assertNoSuccessDuringFault(
      String namespace, Drill drill, Instant faultStart, Instant faultEnd) {
    Instant to = faultEnd.minus(END_MARGIN);
    List<InvariantWatch.SeenMeasurement> during =
        watch.measurements(namespace).stream()
            .filter(m -> m.time().isAfter(faultStart) && m.time().isBefore(to))
            .toList();
    assertThat(during).as("measurements taken during the fault").isNotEmpty();
    assertThat(during)
        .as("measurements taken during the fault")
        .noneMatch(m -> m.outcome() == MeasurementOutcome.Successful);
    if (drill.mode() == Mode.NAN || drill.mode() == Mode.EMPTY_VECTOR) {
      assertThat(during).allMatch(m -> m.outcome() == MeasurementOutcome.NoData);
    } else {
      assertThat(during).allMatch(m -> m.outcome() == MeasurementOutcome.Error);
    }
    return during.size();
  }

  private static void assertRecordsMatchEnding(List<RolloutRecord> records, Drill drill) {
    List<String> reasons = records.stream().map(r -> r.getSpec().reason).toList();
    switch (drill.ending()) {
      case ABORTED -> {
        assertThat(reasons).contains(drill.reason()).doesNotContain("Promoted");
        assertThat(records)
            .filteredOn(r -> drill.reason().equals(r.getSpec().reason))
            .allMatch(r -> "operator".equals(r.getSpec().actor));
      }
      case PAUSED_THEN_ABORT_COMMAND ->
          assertThat(reasons).contains(drill.reason(), "AbortCommand").doesNotContain("Promoted");
      case PAUSED_THEN_RESUME ->
          assertThat(reasons).contains(drill.reason(), "Resumed", "Promoted");
      case CLEARED_THEN_PROMOTED ->
          assertThat(reasons).contains("Promoted").doesNotContain("AnalysisError");
    }
  }

  private static List<MeasurementOutcome> outcomes(RolloutStatus status, String scope) {
    return status.analysis.stream()
        .filter(run -> scope.equals(run.scope))
        .flatMap(run -> run.measurements.stream())
        .map(m -> m.outcome)
        .toList();
  }

  private static java.util.Optional<MetricRun> stepRun(RolloutStatus status) {
    return status.analysis.stream()
        .filter(run -> "Step".equals(run.scope) && "error-ratio".equals(run.name))
        .findFirst();
  }

  /**
   * Returns a Rollout whose canary goes 25%, a pause for Prometheus to scrape the canary, the step
   * analysis, 50% and a short pause, with a background analysis on the same query. Both analyses
   * read Prometheus through {@code prometheus}. The background metric counts NoData as Error and
   * tolerates {@link #BACKGROUND_EXTRA_ERRORS} more consecutive errors than the step metric,
   * because it starts with the first step, before Prometheus has any sample of the canary.
   */
  private static String manifest(String namespace, Drill drill, String version, String prometheus) {
    String steps =
        """
        - setWeight: 25
        - pause: {duration: 6s}
        - analysis:
            onError: %s
            metrics:
              - name: error-ratio
                count: 12
        %s
        - setWeight: 50
        - pause: {duration: 2s}
        """
            .formatted(
                drill.onError(),
                metric("1s", drill.consecutiveErrorLimit(), drill.noData(), prometheus)
                    .indent(8)
                    .stripTrailing());
    String background =
        """
        analysis:
          onError: %s
          metrics:
            - name: background-error-ratio
        %s
        """
            .formatted(
                drill.onError(),
                metric(
                        "2s",
                        drill.consecutiveErrorLimit() + BACKGROUND_EXTRA_ERRORS,
                        "Error",
                        prometheus)
                    .indent(6)
                    .stripTrailing());
    String image = "registry.example/shop:" + drill.name() + "-" + version;
    return CanaryRollouts.rollout(namespace, image, 300, steps) + background.indent(6);
  }

  /** Returns the fields of a metric after its name, on the error-ratio query. */
  private static String metric(
      String interval, int consecutiveErrorLimit, String noData, String prometheus) {
    return """
        interval: %s
        consecutiveErrorLimit: %d
        noData: %s
        threshold:
          max: 0.05
        prometheus:
          address: %s
          query: '%s'
        """
        .formatted(
            interval,
            consecutiveErrorLimit,
            noData,
            prometheus,
            RolloutManifests.ERROR_RATIO_QUERY);
  }
}
