package io.rearguard.e2e.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.e2e.E2eStack;
import io.rearguard.e2e.Kubectl;
import io.rearguard.e2e.RolloutManifests;
import io.rearguard.e2e.TrafficSimulator;
import io.rearguard.e2e.demo.RolloutWatcher.StageFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The four stages of the demo on Rollout {@code demo/checkout}. Each stage method returns when the
 * stage behaved as described and throws {@link StageFailure} with what it saw otherwise.
 */
final class DemoStages {
  static final String NAMESPACE = "demo";
  static final String ROLLOUT = "checkout";
  static final String IMAGE = "registry.example/checkout:";
  static final int STEPS = 4;
  static final double V3_ERROR_RATE = 0.08;

  /**
   * Synthetic request rate of the demo. With a true error rate of 8%, the first measurement covers
   * about 2 s of canary traffic. At the simulator's default of 50 requests/s (12.5 to the canary
   * pod) it comes out at or below 0.05 by chance in about 40% of runs, and at 1000 requests/s (250
   * to the canary pod) in about 1%. Both figures are Poisson estimates.
   */
  static final double REQUESTS_PER_SECOND = 1000;

  private static final Duration STAGE_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
  private static final String TIMED_PAUSE = "{duration: 2s}";
  private static final String INDEFINITE_PAUSE = "{}";
  private static final String COMMAND = "abort-v4";

  private final E2eStack stack;
  private final KubernetesClient client;
  private final Kubectl kubectl;
  private final TrafficSimulator simulator;
  private final RolloutWatcher watcher;
  private final PrintStream out;
  private final Path manifestDir;
  private String v1Revision;
  private String v2Revision;

  DemoStages(
      E2eStack stack,
      KubernetesClient client,
      TrafficSimulator simulator,
      RolloutWatcher watcher,
      PrintStream out,
      Path manifestDir) {
    this.stack = stack;
    this.client = client;
    this.kubectl = new Kubectl(stack);
    this.simulator = simulator;
    this.watcher = watcher;
    this.out = out;
    this.manifestDir = manifestDir;
  }

  /** Stage 1: creates the Rollout at v1 and waits until it is Healthy with all pods ready. */
  void deployV1(String stage) throws Exception {
    apply("v1", TIMED_PAUSE);
    Rollout healthy =
        watcher.await(
            stage,
            STAGE_TIMEOUT,
            r -> r.getStatus().phase == RolloutPhase.Healthy && readyStable(r) == 4,
            DemoStages::failedOrAborted);
    v1Revision = healthy.getStatus().stableRevision;
  }

  /** Stage 2: updates to v2 with healthy metrics and waits until v2 is the stable revision. */
  void promoteV2(String stage) throws Exception {
    Set<String> before = eventUids();
    apply("v2", TIMED_PAUSE);
    Rollout promoted =
        watcher.await(
            stage,
            STAGE_TIMEOUT,
            r ->
                r.getStatus().phase == RolloutPhase.Healthy
                    && r.getStatus().stableRevision != null
                    && !r.getStatus().stableRevision.equals(v1Revision)
                    && readyStable(r) == 4,
            DemoStages::failedOrAborted);
    v2Revision = promoted.getStatus().stableRevision;
    // The operator creates the Events of a pass after it writes the status, so they can arrive
    // shortly after the status that shows the promotion.
    awaitEvents(stage, before, DemoStages::missingPromotionEvents);
  }

  /** Returns what the Events of a promotion lack: a StepCompleted per step and Promoted. */
  private static String missingPromotionEvents(List<Event> events) {
    List<String> missing = new ArrayList<>();
    for (int step = 1; step <= STEPS; step++) {
      String from = "from step " + step + "/" + STEPS;
      if (events.stream()
          .noneMatch(e -> "StepCompleted".equals(e.getReason()) && e.getMessage().contains(from))) {
        missing.add("StepCompleted " + from);
      }
    }
    if (events.stream().noneMatch(e -> "Promoted".equals(e.getReason()))) {
      missing.add("Promoted");
    }
    return String.join(", ", missing);
  }

  private static String missingReason(List<Event> events, String reason) {
    return events.stream().anyMatch(e -> reason.equals(e.getReason())) ? "" : reason;
  }

  /**
   * Polls until the Events created since {@code before} lack nothing.
   *
   * @param missing returns what the Events lack, or "" when they are complete
   */
  private void awaitEvents(String stage, Set<String> before, Function<List<Event>, String> missing)
      throws StageFailure, InterruptedException {
    Instant deadline = Instant.now().plus(EVENT_TIMEOUT);
    while (true) {
      watcher.poll(stage);
      List<Event> events = newEvents(before);
      String lacking = missing.apply(events);
      if (lacking.isEmpty()) {
        return;
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new StageFailure(
            "no Event "
                + lacking
                + " within "
                + EVENT_TIMEOUT.toSeconds()
                + " s; reasons seen: "
                + reasons(events));
      }
      Thread.sleep(250);
    }
  }

  /**
   * Stage 3: makes the simulator fail a share of v3's requests, updates to v3, and waits until the
   * operator rolls back to v2 on its own.
   */
  void rollBackV3(String stage) throws Exception {
    requireRevision(v2Revision, "v2");
    out.printf(
        "%s  simulator: %.0f%% of the requests of %sv3 now fail with status 500%n",
        stage, V3_ERROR_RATE * 100, IMAGE);
    simulator.failRequests(IMAGE + "v3", V3_ERROR_RATE);
    try {
      Set<String> before = eventUids();
      apply("v3", TIMED_PAUSE);
      Rollout aborted =
          watcher.await(
              stage,
              STAGE_TIMEOUT,
              r -> r.getStatus().phase == RolloutPhase.Aborted,
              this::failedOrPromotedPastV2);
      expectAbort(aborted, "AnalysisFailed", "operator");
      String message = aborted.getStatus().abort.message;
      if (message == null || !message.contains("error-ratio")) {
        throw new StageFailure("abort message does not name error-ratio: " + message);
      }
      watcher.await(
          stage,
          STAGE_TIMEOUT,
          r -> readyOf(IMAGE + "v3") == 0 && readyStable(r) == 4,
          this::failedOrPromotedPastV2);
      awaitEvents(stage, before, events -> missingReason(events, "AnalysisFailed"));
    } finally {
      simulator.clearFaults();
    }
  }

  /**
   * Stage 4: updates to v4, which stops at an indefinite pause, then aborts it with a
   * RolloutCommand applied by kubectl, as on-call would.
   */
  void abortV4(String stage) throws Exception {
    requireRevision(v2Revision, "v2");
    Set<String> before = eventUids();
    apply("v4", INDEFINITE_PAUSE);
    watcher.await(
        stage,
        STAGE_TIMEOUT,
        r ->
            r.getStatus().phase == RolloutPhase.Paused
                && "PausedByStep".equals(r.getStatus().pauseReason)
                && (STEPS + "/" + STEPS).equals(r.getStatus().step),
        this::failedOrPromotedPastV2);

    String command =
        RolloutManifests.command(
            NAMESPACE, COMMAND, ROLLOUT, "abort", "latency alarm on checkout after v4 started");
    out.println(stage + "  on-call applies this RolloutCommand with kubectl apply -f -:");
    command.lines().forEach(line -> out.println("    " + line));
    out.println(stage + "  kubectl: " + kubectl.apply(command));

    Rollout aborted =
        watcher.await(
            stage,
            STAGE_TIMEOUT,
            r -> r.getStatus().phase == RolloutPhase.Aborted,
            this::failedOrPromotedPastV2);
    expectAbort(aborted, "AbortCommand", "command/" + COMMAND + " by oncall-alice");
    watcher.await(
        stage,
        STAGE_TIMEOUT,
        r -> readyOf(IMAGE + "v4") == 0 && readyStable(r) == 4,
        this::failedOrPromotedPastV2);
    awaitEvents(stage, before, events -> missingReason(events, "AbortCommand"));

    RolloutCommand applied =
        client.resources(RolloutCommand.class).inNamespace(NAMESPACE).withName(COMMAND).get();
    RolloutCommandStatus status = applied == null ? null : applied.getStatus();
    if (status == null || status.phase != RolloutCommandStatus.Phase.Accepted) {
      throw new StageFailure(
          "RolloutCommand " + COMMAND + " status: " + (status == null ? "none" : status.phase));
    }
    out.println(stage + "  RolloutCommand " + COMMAND + ": Accepted, " + status.message);
  }

  /** Returns whether the Rollout gave up: Aborted, Degraded or InvalidSpec. */
  private static boolean failedOrAborted(Rollout rollout) {
    RolloutPhase phase = rollout.getStatus().phase;
    return phase == RolloutPhase.Aborted
        || phase == RolloutPhase.Degraded
        || phase == RolloutPhase.InvalidSpec;
  }

  /**
   * Returns whether the Rollout is Degraded or InvalidSpec, or promoted a revision after v2. An
   * Aborted phase is not ruled out here, because stages 3 and 4 start from one or wait for one.
   */
  private boolean failedOrPromotedPastV2(Rollout rollout) {
    RolloutPhase phase = rollout.getStatus().phase;
    return phase == RolloutPhase.Degraded
        || phase == RolloutPhase.InvalidSpec
        || (phase == RolloutPhase.Healthy
            && !v2Revision.equals(rollout.getStatus().stableRevision));
  }

  private void expectAbort(Rollout aborted, String reason, String actor) throws StageFailure {
    var abort = aborted.getStatus().abort;
    if (abort == null || !reason.equals(abort.reason) || !actor.equals(abort.actor)) {
      throw new StageFailure(
          "abort "
              + (abort == null ? "missing" : abort.reason + " by " + abort.actor)
              + " instead of "
              + reason
              + " by "
              + actor);
    }
    if (!v2Revision.equals(aborted.getStatus().stableRevision)) {
      throw new StageFailure(
          "stable revision "
              + aborted.getStatus().stableRevision
              + " instead of v2's "
              + v2Revision);
    }
  }

  /** Writes the Rollout at an image tag to a file and applies it with kubectl. */
  private void apply(String tag, String finalPause) throws IOException, InterruptedException {
    String manifest =
        RolloutManifests.rollout(
            NAMESPACE, ROLLOUT, IMAGE + tag, stack.prometheusAddress(), finalPause);
    Files.createDirectories(manifestDir);
    Path file = manifestDir.resolve(ROLLOUT + "-" + tag + ".yaml");
    Files.writeString(file, manifest);
    out.printf(
        "kubectl apply -f %s   (image %s%s, %d replicas, steps: setWeight 25, analysis"
            + " error-ratio max 0.05 x3 every 2s, setWeight 50, pause %s)%n",
        file, IMAGE, tag, 4, finalPause);
    Kubectl.Result result = kubectl.run(null, "apply", "-f", file.toString());
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kubectl apply -f " + file + " failed: " + result.output());
    }
    out.println("kubectl: " + result.output());
  }

  private static void requireRevision(String revision, String tag) throws StageFailure {
    if (revision == null) {
      throw new StageFailure("no " + tag + " revision is known, because an earlier stage failed");
    }
  }

  private static int readyStable(Rollout rollout) {
    Integer ready = rollout.getStatus().stableReadyReplicas;
    return ready == null ? 0 : ready;
  }

  /** Returns the ready pods of the ReplicaSets that run an image. */
  private int readyOf(String image) {
    int ready = 0;
    for (ReplicaSet replicaSet :
        client.apps().replicaSets().inNamespace(NAMESPACE).list().getItems()) {
      String rsImage =
          replicaSet.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
      if (image.equals(rsImage) && replicaSet.getStatus() != null) {
        ready += Objects.requireNonNullElse(replicaSet.getStatus().getReadyReplicas(), 0);
      }
    }
    return ready;
  }

  private Set<String> eventUids() {
    return watcher.events().stream().map(e -> e.getMetadata().getUid()).collect(Collectors.toSet());
  }

  private List<Event> newEvents(Set<String> before) {
    return watcher.events().stream()
        .filter(e -> !before.contains(e.getMetadata().getUid()))
        .toList();
  }

  private static String reasons(List<Event> events) {
    return events.stream().map(Event::getReason).collect(Collectors.joining(", "));
  }
}
