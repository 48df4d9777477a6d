package io.rearguard.e2e.bench;

import io.rearguard.api.AbortStatus;
import io.rearguard.api.Measurement;
import io.rearguard.api.MeasurementOutcome;
import io.rearguard.api.MetricRun;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.e2e.E2eStack;
import io.rearguard.e2e.OperatorProcess;
import io.rearguard.e2e.RolloutManifests;
import io.rearguard.e2e.ToolLogging;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures detect-to-safe latency: how long after a canary starts failing half of its requests the
 * API shows all weight back on stable. Each run uses a fresh namespace and Rollout with a
 * background analysis (error ratio, 1 s interval, failureLimit 0) and the steps [setWeight 25,
 * pause {}]. Usage: {@code DetectToSafeBench [runs]}, default 5.
 */
public final class DetectToSafeBench {
  static final String ROLLOUT = "bench";
  static final String REVISION_LABEL = "rearguard.io/revision";
  static final double ERROR_RATE = 0.5;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** Times of one run in milliseconds after the fault was switched on, or -1 when not seen. */
  record RunResult(
      int run,
      String namespace,
      long failedQueryMs,
      long abortDecidedMs,
      long statusWeightZeroMs,
      long safeMs,
      String abortReason) {}

  private DetectToSafeBench() {}

  /** Runs the benchmark and prints one line per run and the spread of each time. */
  public static void main(String[] args) {
    int code;
    try {
      code = run(args.length > 0 ? Integer.parseInt(args[0]) : 5);
    } catch (Exception e) {
      System.out.println("FAILED: " + e);
      e.printStackTrace();
      code = 1;
    }
    // Exits explicitly, because the Kubernetes client's threads would keep the JVM alive.
    System.exit(code);
  }

  private static int run(int runs) throws Exception {
    E2eStack stack = E2eStack.fromEnvironment();
    System.out.println("library log: " + ToolLogging.toFile(stack, "bench-detect"));
    List<RunResult> results = new ArrayList<>();
    try (BenchEnvironment env = new BenchEnvironment(stack);
        OperatorProcess operator =
            new OperatorProcess(stack, env.operatorKubeconfig, "operator-bench-detect")) {
      operator.start();
      System.out.println("operator pid " + operator.pid() + ", log " + operator.logFile());
      for (int run = 1; run <= runs; run++) {
        RunResult result = runOnce(env, run);
        results.add(result);
        System.out.println(describe(result));
      }
    }
    printSummary(results);
    boolean allAborted = results.stream().allMatch(r -> "AnalysisFailed".equals(r.abortReason()));
    return allAborted ? 0 : 1;
  }

  /** Runs one measurement in a fresh namespace, which it deletes again. */
  private static RunResult runOnce(BenchEnvironment env, int run) throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "bench-detect-" + run);
    String image = "registry.example/bench-run" + run + ":";
    try {
      String canary = pauseCanary(env, namespace, image);
      return measure(env, run, namespace, image + "v2", canary);
    } finally {
      env.simulator.clearFaults();
      env.deleteNamespace(namespace);
    }
  }

  /**
   * Deploys v1, then v2 up to the indefinite pause, and checks that the canary serves traffic.
   *
   * @return the canary revision
   */
  private static String pauseCanary(BenchEnvironment env, String namespace, String image)
      throws Exception {
    env.kubectl.apply(manifest(env, namespace, image + "v1"));
    env.awaitRollout(
        namespace,
        ROLLOUT,
        TIMEOUT,
        "v1 Healthy",
        r -> r.getStatus().phase == RolloutPhase.Healthy);
    env.kubectl.apply(manifest(env, namespace, image + "v2"));
    Rollout paused =
        env.awaitRollout(
            namespace,
            ROLLOUT,
            TIMEOUT,
            "v2 paused at the pause step with 1 ready pod and 3 successful measurements",
            r ->
                "PausedByStep".equals(r.getStatus().pauseReason)
                    && Integer.valueOf(1).equals(r.getStatus().canaryReadyReplicas)
                    && successful(r) >= 3);
    String canary = paused.getStatus().canaryRevision;
    double rate =
        env.queryPrometheus(
            "sum(rate(simulator_requests_total{namespace=\""
                + namespace
                + "\",revision=\""
                + canary
                + "\"}[5s]))");
    if (!(rate > 0)) {
      throw new IllegalStateException("no canary traffic in Prometheus for " + namespace);
    }
    System.out.printf(Locale.ROOT, "  canary traffic before the fault: %.1f requests/s%n", rate);
    return canary;
  }

  /** Switches the fault on (T0) and records when the API shows all weight on stable. */
  private static RunResult measure(
      BenchEnvironment env, int run, String namespace, String canaryImage, String canary)
      throws Exception {
    try (SafeStateWatch watch =
        new SafeStateWatch(env.client, namespace, ROLLOUT, REVISION_LABEL, canary, 1)) {
      env.simulator.failRequests(canaryImage, ERROR_RATE);
      Instant faultOn = Instant.now();
      if (!watch.awaitSafe(TIMEOUT)) {
        throw new IllegalStateException(
            "run "
                + run
                + ": all weight was not back on stable within "
                + TIMEOUT.toSeconds()
                + " s");
      }
      Rollout aborted = env.rollout(namespace, ROLLOUT);
      AbortStatus abort = aborted.getStatus().abort;
      System.out.println("  abort message: " + (abort == null ? "none" : abort.message));
      return new RunResult(
          run,
          namespace,
          millisAfter(faultOn, firstFailedQuery(aborted)),
          millisAfter(faultOn, abort == null ? null : abort.time),
          Duration.between(faultOn, watch.weightZeroAt()).toMillis(),
          Duration.between(faultOn, watch.safeAt()).toMillis(),
          abort == null ? "none" : abort.reason);
    }
  }

  /** Returns the Rollout used by every run. */
  static String manifest(BenchEnvironment env, String namespace, String image) {
    return """
        apiVersion: rearguard.io/v1alpha1
        kind: Rollout
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          replicas: 4
          progressDeadlineSeconds: 600
          selector:
            matchLabels:
              app: %2$s
          template:
            metadata:
              labels:
                app: %2$s
            spec:
              containers:
                - name: app
                  image: %3$s
          strategy:
            canary:
              analysis:
                metrics:
                  - name: error-ratio
                    interval: 1s
                    failureLimit: 0
                    consecutiveErrorLimit: 10
                    threshold:
                      max: 0.05
                    prometheus:
                      address: %4$s
                      query: '%5$s'
              steps:
                - setWeight: 25
                - pause: {}
        """
        .formatted(
            namespace,
            ROLLOUT,
            image,
            env.stack.prometheusAddress(),
            RolloutManifests.ERROR_RATIO_QUERY);
  }

  private static long successful(Rollout rollout) {
    return rollout.getStatus().analysis.stream().mapToLong(run -> run.successful).sum();
  }

  private static String firstFailedQuery(Rollout rollout) {
    for (MetricRun run : rollout.getStatus().analysis) {
      for (Measurement measurement : run.measurements) {
        if (measurement.outcome == MeasurementOutcome.Failed) {
          return measurement.time;
        }
      }
    }
    return null;
  }

  private static long millisAfter(Instant start, String rfc3339) {
    return rfc3339 == null ? -1 : Duration.between(start, Instant.parse(rfc3339)).toMillis();
  }

  private static String describe(RunResult r) {
    return String.format(
        Locale.ROOT,
        "run %d (%s): failing query sent +%d ms, abort decided +%d ms (%s), status weight 0 seen"
            + " +%d ms, weight 0 and 0 ready canary pods seen +%d ms",
        r.run(),
        r.namespace(),
        r.failedQueryMs(),
        r.abortDecidedMs(),
        r.abortReason(),
        r.statusWeightZeroMs(),
        r.safeMs());
  }

  private static void printSummary(List<RunResult> results) {
    if (results.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println("Detect-to-safe, time after the fault was switched on (T0):");
    System.out.println(
        "  first Failed query sent:        "
            + Spread.of(results.stream().map(RunResult::failedQueryMs).toList()).inSeconds());
    System.out.println(
        "  abort decided (status.abort):   "
            + Spread.of(results.stream().map(RunResult::abortDecidedMs).toList()).inSeconds());
    System.out.println(
        "  status.canaryWeight 0 seen:     "
            + Spread.of(results.stream().map(RunResult::statusWeightZeroMs).toList()).inSeconds());
    System.out.println(
        "  weight 0 and canary 0 ready:    "
            + Spread.of(results.stream().map(RunResult::safeMs).toList()).inSeconds());
  }
}
