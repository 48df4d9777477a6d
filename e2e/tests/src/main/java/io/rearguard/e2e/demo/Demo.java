package io.rearguard.e2e.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.e2e.E2eStack;
import io.rearguard.e2e.OperatorProcess;
import io.rearguard.e2e.ToolLogging;
import io.rearguard.e2e.TrafficSimulator;
import io.rearguard.e2e.demo.RolloutWatcher.StageFailure;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Rearguard demo on the local stack from {@code e2e/up}: a Rollout is deployed, promoted on
 * healthy metrics, rolled back by the operator when its error ratio crosses the analysis threshold,
 * aborted by an on-call command, and rolled back by an SLO burn-rate trigger. It then prints the
 * Rollout's history from its RolloutRecords and verifies their hash chain. It prints a progress
 * view and a PASS or FAIL line per stage, and exits 1 when any stage failed.
 */
public final class Demo {
  private static final Duration NAMESPACE_DELETE_TIMEOUT = Duration.ofSeconds(90);

  /**
   * A stage: its name, what it should show, and the code that runs and checks it.
   *
   * @param always whether the stage runs even after an earlier stage failed
   */
  private record Stage(String name, String expected, StageBody body, boolean always) {
    Stage(String name, String expected, StageBody body) {
      this(name, expected, body, false);
    }
  }

  /**
   * Body of a stage, which throws {@link StageFailure} when the stage did not behave as expected.
   */
  @FunctionalInterface
  private interface StageBody {
    void run(String stage) throws Exception;
  }

  private Demo() {}

  /** Runs the demo and exits with 0 when every stage passed, 1 otherwise. */
  public static void main(String[] args) {
    E2eStack stack = E2eStack.fromEnvironment();
    Path log = ToolLogging.toFile(stack, "demo");
    PrintStream out = System.out;
    out.println("Rearguard demo: Rollout " + DemoStages.NAMESPACE + "/" + DemoStages.ROLLOUT);
    out.println("  in-process simulator and client log: " + log);
    int code;
    try {
      code = run(stack, out);
    } catch (Exception e) {
      out.println("FAIL  setup: " + e);
      code = 1;
    }
    System.exit(code);
  }

  private static int run(E2eStack stack, PrintStream out) throws Exception {
    try (KubernetesClient client = stack.connect()) {
      stack.installCrds(client);
      Path operatorKubeconfig = stack.installOperatorAccess(client);
      recreateNamespace(client, out);
      out.printf(
          "traffic simulator: %.0f requests/s to each Rollout, split by ready pods%n",
          DemoStages.REQUESTS_PER_SECOND);
      out.println("Rollout spec: " + DemoManifests.describe());
      try (TrafficSimulator simulator =
              TrafficSimulator.start(stack, DemoStages.REQUESTS_PER_SECOND);
          OperatorProcess operator =
              new OperatorProcess(stack, operatorKubeconfig, "operator-demo")) {
        // Stops the operator child process when the demo is interrupted (Ctrl-C, SIGTERM), because
        // try-with-resources does not run then.
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> stopQuietly(operator), "demo-stop-operator"));
        operator.start();
        out.printf(
            "operator pid %d ready in %.1f s; log: %s%n",
            operator.pid(), operator.startupTime().toMillis() / 1000.0, operator.logFile());
        ProgressView view = new ProgressView(ZoneId.systemDefault());
        RolloutWatcher watcher =
            new RolloutWatcher(
                client, DemoStages.NAMESPACE, DemoStages.ROLLOUT, view, out, Clock.systemUTC());
        DemoStages stages =
            new DemoStages(
                stack,
                client,
                simulator,
                watcher,
                out,
                stack.root().resolve("e2e/tests/target/demo"));
        RecordReport records =
            new RecordReport(client, view, out, DemoStages.NAMESPACE, DemoStages.ROLLOUT);
        List<StageResult> results = runStages(stages(stages, records), out);
        out.println();
        out.println("Summary");
        StageResult.summary(results).forEach(out::println);
        return results.stream().allMatch(StageResult::passed) ? 0 : 1;
      }
    }
  }

  private static List<Stage> stages(DemoStages stages, RecordReport records) {
    return List.of(
        new Stage(
            "v1-deploy",
            "Rollout created at v1 becomes Healthy with 4/4 pods ready",
            stages::deployV1),
        new Stage(
            "v2-promote",
            "v2 canary passes its rollback drill, completes steps 1/4 to 4/4 on healthy metrics"
                + " and burn rates, and is promoted to stable",
            stages::promoteV2),
        new Stage(
            "v3-rollback",
            String.format(
                "with %.0f%% of v3 requests failing, the operator aborts by itself: Aborted,"
                    + " AnalysisFailed, stable = v2",
                DemoStages.V3_ERROR_RATE * 100),
            stages::rollBackV3),
        new Stage(
            "v4-abort",
            "v4 paused at step 4/4 is aborted by a kubectl-applied RolloutCommand: Accepted,"
                + " Aborted, AbortCommand, stable = v2",
            stages::abortV4),
        new Stage(
            "v5-burn-rate",
            String.format(
                "with %.0f%% of v5 requests failing while v5 waits at a pause before its"
                    + " analysis, burn-rate trigger %s fires: Aborted, BurnRateExceeded, stable ="
                    + " v2",
                DemoStages.V5_ERROR_RATE * 100, DemoManifests.TRIGGER),
            stages::rollBackV5ByBurnRate),
        new Stage(
            "records",
            "the RolloutRecords print as the Rollout's history and their hash chain verifies"
                + " intact (runs after a failed stage too)",
            records::printAndVerify,
            true));
  }

  private static List<StageResult> runStages(List<Stage> stages, PrintStream out) {
    List<StageResult> results = new ArrayList<>();
    boolean failed = false;
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      if (failed && !stage.always()) {
        results.add(StageResult.notRun(stage.name(), stage.expected()));
        continue;
      }
      out.println();
      out.printf("=== Stage %d/%d %s: %s%n", i + 1, stages.size(), stage.name(), stage.expected());
      Instant started = Instant.now();
      StageResult result;
      try {
        stage.body().run(stage.name());
        result =
            StageResult.pass(
                stage.name(), stage.expected(), Duration.between(started, Instant.now()));
      } catch (StageFailure e) {
        result =
            StageResult.fail(
                stage.name(), stage.expected(), e.seen(), Duration.between(started, Instant.now()));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        result =
            StageResult.fail(
                stage.name(),
                stage.expected(),
                e.toString(),
                Duration.between(started, Instant.now()));
      }
      out.println("=== " + result.outcome() + " " + stage.name());
      failed = failed || !result.passed();
      results.add(result);
    }
    return results;
  }

  private static void stopQuietly(OperatorProcess operator) {
    try {
      operator.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes the demo namespace left by an earlier run, then creates it empty. */
  private static void recreateNamespace(KubernetesClient client, PrintStream out)
      throws InterruptedException {
    var namespace = client.namespaces().withName(DemoStages.NAMESPACE);
    if (namespace.get() != null) {
      out.println("deleting namespace " + DemoStages.NAMESPACE + " left by an earlier run");
      namespace.delete();
      namespace.waitUntilCondition(
          ns -> ns == null, NAMESPACE_DELETE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(DemoStages.NAMESPACE)
                .endMetadata()
                .build())
        .create();
  }
}
