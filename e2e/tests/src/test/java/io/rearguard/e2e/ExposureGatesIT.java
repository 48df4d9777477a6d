package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static java.time.temporal.ChronoUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gates before a canary's first traffic: the rollback rehearsal and the release freeze. A
 * sampler reads the Rollout and the ReplicaSets every 100 ms, so the tests can check that the
 * canary had no pods until the gate opened.
 */
class ExposureGatesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static OperatorStack env;

  /** One sample: the canary revision, its rehearsal phase and its requested pods. */
  private record Exposure(String canary, String rehearsal, int canaryPods) {}

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-exposure-gates-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.simulator.clearFaults();
      env.close();
    }
  }

  @Test
  void drillIsRecordedBeforeExposure() throws Exception {
    // given a healthy v1 whose Rollout drills the rollback before exposure
    String namespace = E2eStack.createNamespace(env.client, "drill-recorded");
    String drill = SignalRollouts.rehearsal("Drill", 60);
    deployHealthy(namespace, "registry.example/shop:drill-v1", drill);

    // when v2 is rolled out
    List<Sampler.Sample<Exposure>> samples;
    try (Sampler<Exposure> sampler = sample(namespace)) {
      env.kubectl.apply(SignalRollouts.rollout(namespace, "registry.example/shop:drill-v2", drill));
      env.awaitRollout(
          namespace,
          NAME,
          TIMEOUT,
          "v2 at its pause",
          r -> "PausedByStep".equals(r.getStatus().pauseReason));
      samples = sampler.samples();
    }

    // then the drill passed with a measured time, and the canary had no pods before it passed
    RolloutStatus status = env.rollout(namespace, NAME).getStatus();
    assertThat(status.rehearsal.mode.name()).isEqualTo("Drill");
    assertThat(status.rehearsal.phase).isEqualTo("Passed");
    assertThat(status.rehearsal.seconds).isPositive().isLessThan(60.0);
    List<Exposure> beforePass = beforePass(samples);
    assertThat(beforePass).isNotEmpty();
    assertThat(beforePass).allSatisfy(e -> assertThat(e.canaryPods()).isZero());
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "RehearsalPassed"))
        .anyMatch(m -> m.contains("stable regained 1 pods, ready 5/5"));
  }

  @Test
  void failedRehearsalHaltsBeforeExposure() throws Exception {
    // given a v1 whose pods never become ready, and a rehearsal that needs all of them in 5 s
    String namespace = E2eStack.createNamespace(env.client, "rehearsal-fails");
    String verify = SignalRollouts.rehearsal("Verify", 5);
    env.kubectl.apply(
        SignalRollouts.rollout(namespace, "registry.example/shop:v1-never-ready", verify));
    env.awaitRollout(
        namespace, NAME, TIMEOUT, "v1 deployed", r -> r.getStatus().stableRevision != null);

    // when v2 is rolled out
    List<Sampler.Sample<Exposure>> samples;
    try (Sampler<Exposure> sampler = sample(namespace)) {
      env.kubectl.apply(
          SignalRollouts.rollout(namespace, "registry.example/shop:halted-v2", verify));
      env.awaitRollout(
          namespace,
          NAME,
          TIMEOUT,
          "v2 halted",
          r -> "RehearsalFailed".equals(r.getStatus().pauseReason));
      samples = sampler.samples();
    }

    // then the rollout is Paused with RehearsalFailed and the canary never got a pod
    RolloutStatus status = env.rollout(namespace, NAME).getStatus();
    assertThat(status.phase).isEqualTo(RolloutPhase.Paused);
    assertThat(status.rehearsal.phase).isEqualTo("Failed");
    Condition rehearsed = condition(status, "RollbackRehearsed");
    assertThat(rehearsed.getStatus()).isEqualTo("False");
    assertThat(rehearsed.getMessage()).contains("stable revision has 4 ready pods (it has 0)");
    assertThat(samples).allSatisfy(s -> assertThat(s.value().canaryPods()).isZero());
    String v2 = status.canaryRevision;
    assertThat(NamespaceReads.readyByRevision(env.client, namespace).getOrDefault(v2, 0)).isZero();
  }

  @Test
  void frozenReleaseWaitsUntilUnexpiredOverride() throws Exception {
    // given a v1 whose requests all fail, so that its error budget over 2m is overspent
    String namespace = E2eStack.createNamespace(env.client, "release-frozen");
    String freeze = SignalRollouts.freeze(env.stack.prometheusAddress());
    env.simulator.failRequests("registry.example/shop:frozen-v1", 1.0);
    deployHealthy(namespace, "registry.example/shop:frozen-v1", freeze);
    Thread.sleep(3000);

    // when v2 is rolled out with an override that expired an hour ago
    String v2 = "registry.example/shop:frozen-v2";
    String expired =
        SignalRollouts.override(Instant.now().minus(Duration.ofHours(1)).truncatedTo(SECONDS));
    env.kubectl.apply(SignalRollouts.rollout(namespace, v2, freeze + expired));

    // then it waits as Paused ReleaseFrozen with no pods, and the override is not used
    Rollout frozen =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 frozen by a known budget",
            r ->
                r.getStatus().signals != null
                    && r.getStatus().signals.budget != null
                    && Boolean.TRUE.equals(r.getStatus().signals.budget.frozen));
    assertThat(frozen.getStatus().pauseReason).isEqualTo("ReleaseFrozen");
    String canary = frozen.getStatus().canaryRevision;
    await("v2 keeps waiting without pods")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                "ReleaseFrozen".equals(env.rollout(namespace, NAME).getStatus().pauseReason)
                    && specOf(namespace, canary) == 0);
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "FreezeOverridden")).isEmpty();

    // when the override is replaced by one that expires in an hour
    Instant expires = Instant.now().plus(Duration.ofHours(1)).truncatedTo(SECONDS);
    env.kubectl.apply(
        SignalRollouts.rollout(namespace, v2, freeze + SignalRollouts.override(expires)));

    // then v2 goes through to its first step, and the override is reported and recorded
    Rollout released =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            "v2 at its pause step",
            r -> "PausedByStep".equals(r.getStatus().pauseReason));
    assertThat(released.getStatus().canaryRevision).isEqualTo(canary);
    assertThat(released.getStatus().signals.budget.overriddenUntil).isEqualTo(expires.toString());
    assertThat(NamespaceReads.readyByRevision(env.client, namespace).get(canary)).isEqualTo(1);
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "FreezeOverridden"))
        .singleElement()
        .asString()
        .contains("oncall-alice");
  }

  private static Sampler<Exposure> sample(String namespace) {
    return Sampler.start(
        "exposure-" + namespace,
        Duration.ofMillis(100),
        () -> {
          RolloutStatus status = env.rollout(namespace, NAME).getStatus();
          String canary = status == null ? null : status.canaryRevision;
          String rehearsal =
              status == null || status.rehearsal == null ? null : status.rehearsal.phase;
          int pods = canary == null ? 0 : specOf(namespace, canary);
          return new Exposure(canary, rehearsal, pods);
        });
  }

  /** Returns the samples of a running canary taken before its rehearsal passed. */
  private static List<Exposure> beforePass(List<Sampler.Sample<Exposure>> samples) {
    return samples.stream()
        .map(Sampler.Sample::value)
        .filter(e -> e.canary() != null)
        .takeWhile(e -> !"Passed".equals(e.rehearsal()))
        .toList();
  }

  private static int specOf(String namespace, String revision) {
    Map<String, Integer> spec = NamespaceReads.specByRevision(env.client, namespace);
    return spec.getOrDefault(revision, 0);
  }

  private static Condition condition(RolloutStatus status, String type) {
    return status.conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
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
}
