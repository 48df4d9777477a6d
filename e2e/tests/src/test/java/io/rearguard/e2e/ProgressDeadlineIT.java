package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A canary whose pods never become ready. The local KWOK keeps pods whose image contains {@code
 * never-ready} Running but not Ready, so the first setWeight step can never complete and only the
 * progress deadline ends the canary.
 */
class ProgressDeadlineIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int DEADLINE_SECONDS = 15;
  private static final String STEPS =
      """
      - setWeight: 25
      - setWeight: 50
      - pause: {}
      """;

  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-progress-deadline-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void neverReadyCanaryAbortsAtDeadline() throws Exception {
    // given a Healthy v1 and a progress deadline of 15 s
    String namespace = E2eStack.createNamespace(env.client, "deadline-never-ready");
    env.kubectl.apply(
        CanaryRollouts.rollout(namespace, "registry.example/shop:v1", DEADLINE_SECONDS, STEPS));
    String v1 =
        env.awaitRollout(
                namespace,
                NAME,
                TIMEOUT,
                "v1 healthy",
                r -> r.getStatus().phase == RolloutPhase.Healthy)
            .getStatus()
            .stableRevision;

    // when the image changes to one whose pods never become ready
    Rollout aborted;
    List<Sampler.Sample<Map<String, Integer>>> readySamples;
    try (Sampler<Map<String, Integer>> sampler =
        Sampler.start(
            "ready-pods",
            Duration.ofMillis(150),
            () -> NamespaceReads.readyByRevision(env.client, namespace))) {
      env.kubectl.apply(
          CanaryRollouts.rollout(
              namespace, "registry.example/shop:v2-never-ready", DEADLINE_SECONDS, STEPS));
      aborted =
          env.awaitRollout(
              namespace,
              NAME,
              TIMEOUT,
              "v2 aborted",
              r -> r.getStatus().phase == RolloutPhase.Aborted);
      readySamples = sampler.samples();
    }

    // then the deadline aborts the canary, not before 15 s without progress
    assertThat(aborted.getStatus().abort.reason).isEqualTo("ProgressDeadlineExceeded");
    assertThat(aborted.getStatus().abort.message).contains("no progress for 15s");
    assertThat(aborted.getStatus().abort.stepIndex).isZero();
    Duration waited =
        Duration.between(
            Instant.parse(aborted.getStatus().stepStartTime),
            Instant.parse(aborted.getStatus().abort.time));
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(DEADLINE_SECONDS));
    assertThat(aborted.getStatus().stableRevision).isEqualTo(v1);
    assertThat(aborted.getStatus().canaryWeight).isZero();
    String v2 = aborted.getStatus().abort.revision;

    // and the stable revision kept four ready pods throughout, while the canary had none
    assertThat(readySamples).hasSizeGreaterThan(50);
    assertThat(readySamples).allSatisfy(s -> assertThat(s.value()).containsEntry(v1, 4));
    assertThat(readySamples).noneMatch(s -> s.value().getOrDefault(v2, 0) > 0);
    env.awaitRollout(
        namespace,
        NAME,
        TIMEOUT,
        "v2 scaled to zero",
        r -> NamespaceReads.specByRevision(env.client, namespace).getOrDefault(v2, 0) == 0);
    assertThat(NamespaceReads.specByRevision(env.client, namespace)).containsEntry(v1, 4);
  }
}
