package io.rearguard.e2e.demo;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.RehearsalStatus;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.SignalsStatus;
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
import java.util.Objects;
import java.util.Set;

/**
 * The stages of the demo on Rollout {@code demo/checkout} that change it. Each stage method returns
 * when the stage behaved as described and throws {@link StageFailure} with what it saw otherwise.
 */
final class DemoStages {
  static final String NAMESPACE = "demo";
  static final String ROLLOUT = "checkout";
  static final String IMAGE = "registry.example/checkout:";
  static final int STEPS = 4;
  static final double V3_ERROR_RATE = 0.08;

  /** Error rate of v5: a burn rate of 40 against the 1% budget, twice the trigger's threshold. */
  static final double V5_ERROR_RATE = 0.4;

  /**
   * Synthetic request rate of the demo. With a true error rate of 8%, the first measurement covers
   * about 2 s of canary traffic. At the simulator's default of 50 requests/s (12.5 to the canary
   * pod) it comes out at or below 0.05 by chance in about 40% of runs, and at 1000 requests/s (250
   * to the canary pod) in about 1%. Both figures are Poisson estimates.
   */
  static final double REQUESTS_PER_SECOND = 1000;

  private static final Duration STAGE_TIMEOUT = Duration.ofSeconds(120);
  private static final String TIMED_PAUSE = "{duration: 2s}";
  private static final String INDEFINITE_PAUSE = "{}";
  private static final String COMMAND = "abort-v4";

  private final E2eStack stack;
  private final KubernetesClient client;
  private final Kubectl kubectl;
  private final TrafficSimulator simulator;
  private final RolloutWatcher watcher;
  private final EventChecks events;
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
    this.events = new EventChecks(watcher);
    this.out = out;
    this.manifestDir = manifestDir;
  }

  /** Stage 1: creates the Rollout at v1 and waits until it is Healthy with all pods ready. */
  void deployV1(String stage) throws Exception {
    apply("v1", null, TIMED_PAUSE);
    Rollout healthy =
        watcher.await(
            stage,
            STAGE_TIMEOUT,
            r -> r.getStatus().phase == RolloutPhase.Healthy && readyStable(r) == 4,
            DemoStages::failedOrAborted);
    v1Revision = healthy.getStatus().stableRevision;
  }

  /**
   * Stage 2: updates to v2 with healthy metrics and waits until v2, after a passed rollback drill,
   * is the stable revision.
   */
  void promoteV2(String stage) throws Exception {
    Set<String> before = events.eventUids();
    apply("v2", null, TIMED_PAUSE);
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
    RehearsalStatus rehearsal = promoted.getStatus().rehearsal;
    if (rehearsal == null
        || rehearsal.mode != RehearsalSpec.Mode.Drill
        || !"Passed".equals(rehearsal.phase)) {
      throw new StageFailure(
          "v2 was promoted without a passed Drill rehearsal: "
              + (rehearsal == null
                  ? "no rehearsal status"
                  : rehearsal.mode + " " + rehearsal.phase));
    }
    // The operator creates the Events of a pass after it writes the status, so they can arrive
    // shortly after the status that shows the promotion.
    events.awaitEvents(stage, before, e -> EventChecks.missingPromotionEvents(e, STEPS));
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
      Set<String> before = events.eventUids();
      apply("v3", null, TIMED_PAUSE);
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
      events.awaitEvents(stage, before, e -> EventChecks.missingReason(e, "AnalysisFailed"));
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
    Set<String> before = events.eventUids();
    apply("v4", null, INDEFINITE_PAUSE);
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
    events.awaitEvents(stage, before, e -> EventChecks.missingReason(e, "AbortCommand"));

    RolloutCommand applied =
        client.resources(RolloutCommand.class).inNamespace(NAMESPACE).withName(COMMAND).get();
    RolloutCommandStatus status = applied == null ? null : applied.getStatus();
    if (status == null || status.phase != RolloutCommandStatus.Phase.Accepted) {
      throw new StageFailure(
          "RolloutCommand " + COMMAND + " status: " + (status == null ? "none" : status.phase));
    }
    out.println(stage + "  RolloutCommand " + COMMAND + ": Accepted, " + status.message);
  }

  /**
   * Stage 5: makes the simulator fail a large share of v5's requests and updates to v5, which waits
   * at an indefinite pause before its step analysis, so only the burn-rate trigger can roll it
   * back.
   */
  void rollBackV5ByBurnRate(String stage) throws Exception {
    requireRevision(v2Revision, "v2");
    out.printf(
        "%s  simulator: %.0f%% of the requests of %sv5 now fail with status 500%n",
        stage, V5_ERROR_RATE * 100, IMAGE);
    simulator.failRequests(IMAGE + "v5", V5_ERROR_RATE);
    try {
      Set<String> before = events.eventUids();
      // The Rollout is still Aborted from stage 4, so the wait below needs an abort of another
      // canary revision than v4's.
      Rollout current = watcher.poll(stage);
      if (current == null) {
        throw new StageFailure("could not read Rollout " + ROLLOUT + " before the update to v5");
      }
      String v4Abort = abortedRevision(current);
      apply("v5", INDEFINITE_PAUSE, INDEFINITE_PAUSE);
      Rollout aborted =
          watcher.await(
              stage,
              STAGE_TIMEOUT,
              r ->
                  r.getStatus().phase == RolloutPhase.Aborted
                      && !Objects.equals(abortedRevision(r), v4Abort),
              this::failedOrPromotedPastV2);
      expectAbort(aborted, "BurnRateExceeded", "operator");
      expectBurnRateMessage(aborted);
      out.println(stage + "  abort message: " + aborted.getStatus().abort.message);
      watcher.await(
          stage,
          STAGE_TIMEOUT,
          r -> readyOf(IMAGE + "v5") == 0 && readyStable(r) == 4,
          this::failedOrPromotedPastV2);
      events.awaitEvents(stage, before, e -> EventChecks.missingReason(e, "BurnRateExceeded"));
    } finally {
      simulator.clearFaults();
    }
  }

  /**
   * Checks that the abort message names the trigger and the stable revision's burn rates that the
   * status recorded. The status keeps the readings of the abort, because the operator stops reading
   * the triggers once the canary is aborted.
   */
  private static void expectBurnRateMessage(Rollout aborted) throws StageFailure {
    String message = aborted.getStatus().abort.message;
    SignalsStatus signals = aborted.getStatus().signals;
    SignalsStatus.BurnRateStatus burn =
        signals == null
            ? null
            : signals.burnRates.stream()
                .filter(b -> DemoManifests.TRIGGER.equals(b.name))
                .findFirst()
                .orElse(null);
    if (burn == null) {
      throw new StageFailure("status.signals has no burn-rate trigger " + DemoManifests.TRIGGER);
    }
    String trigger = "burn-rate trigger " + DemoManifests.TRIGGER;
    String stable = "stable burn rate " + burn.stableLong + " and " + burn.stableShort;
    if (message == null || !message.contains(trigger) || !message.contains(stable)) {
      throw new StageFailure(
          "abort message does not name '" + trigger + "' and '" + stable + "': " + message);
    }
  }

  /** Returns the canary revision of the Rollout's abort, or null when it has none. */
  private static String abortedRevision(Rollout rollout) {
    if (rollout == null || rollout.getStatus() == null || rollout.getStatus().abort == null) {
      return null;
    }
    return rollout.getStatus().abort.revision;
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
   * Aborted phase is not ruled out here, because stages 3 to 5 start from one or wait for one.
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

  /**
   * Writes the Rollout at an image tag to a file and applies it with kubectl.
   *
   * @param pauseBeforeAnalysis pause step between the 25% step and the analysis, or null for none
   */
  private void apply(String tag, String pauseBeforeAnalysis, String finalPause)
      throws IOException, InterruptedException {
    String manifest =
        DemoManifests.rollout(
            IMAGE + tag, stack.prometheusAddress(), pauseBeforeAnalysis, finalPause);
    Files.createDirectories(manifestDir);
    Path file = manifestDir.resolve(ROLLOUT + "-" + tag + ".yaml");
    Files.writeString(file, manifest);
    out.printf(
        "kubectl apply -f %s   (image %s%s, %d replicas, steps: setWeight 25,%s analysis"
            + " error-ratio max 0.05 x3 every 2s, setWeight 50, pause %s)%n",
        file,
        IMAGE,
        tag,
        4,
        pauseBeforeAnalysis == null ? "" : " pause " + pauseBeforeAnalysis + ",",
        finalPause);
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
}
